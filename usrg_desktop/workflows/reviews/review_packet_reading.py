"""Reading a review packet file, which is never trusted, and the attachments in it.

The file must be a zip, with at most MAX_MEMBERS members, no member name outside the packet
(`..`, absolute paths, drive letters, backslashes), no member larger than MAX_MEMBER_BYTES
once expanded (counted while reading, not taken from the header) and no more than
MAX_TOTAL_BYTES in all; every attachment must match its SHA-256. A bad file raises
`PacketError` with one sentence naming the file and what is wrong.
"""

from __future__ import annotations

import hashlib
import json
import re
import zipfile
from datetime import date, datetime
from pathlib import Path
from typing import Any

from .review_packet_contents import (
    PACKET_FORMAT,
    PACKET_JSON,
    PACKET_VERSION,
    Packet,
    PacketApplication,
    PacketAttachment,
    PacketError,
    RubricCriterion,
)

MAX_MEMBERS = 1_000
MAX_JSON_BYTES = 16 * 1024 * 1024
MAX_MEMBER_BYTES = 64 * 1024 * 1024
MAX_TOTAL_BYTES = 512 * 1024 * 1024
_ATTACHMENT_MEMBER = re.compile(r"^attachments/([0-9a-f]{64})$")
_CHUNK = 1024 * 1024


# -- reading -----------------------------------------------------------------------------------
def read_packet(path: str | Path) -> Packet:
    """Open a packet file, checking everything about it; a bad file raises PacketError."""
    source = Path(path)
    name = source.name
    try:
        if not source.is_file():
            raise PacketError(f"The packet file {name} does not exist.")
        zf = zipfile.ZipFile(source)
    except PacketError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError):
        raise PacketError(
            f"{name} is not a review packet: it is not a packet file or it is damaged."
        ) from None
    except OSError as exc:
        raise PacketError(f"The packet file {name} cannot be read: {exc.strerror}.") from None
    with zf:
        infos = zf.infolist()
        if len(infos) > MAX_MEMBERS:
            raise PacketError(
                f"{name} holds {len(infos)} files, more than a review packet can "
                f"({MAX_MEMBERS}); it was not opened."
            )
        seen: set[str] = set()
        for info in infos:
            _check_member_name(name, info.filename)
            if info.filename in seen:
                raise PacketError(f"{name} holds '{info.filename}' twice; it was not opened.")
            seen.add(info.filename)
        if PACKET_JSON not in seen:
            raise PacketError(f"{name} is not a review packet: it has no {PACKET_JSON}.")
        budget = [MAX_TOTAL_BYTES]
        raw = _read_member(zf, name, zf.getinfo(PACKET_JSON), MAX_JSON_BYTES, budget)
        packet = _packet_from_json(name, raw)
        wanted = {t.sha256 for a in packet.applications for t in a.attachments}
        present = {m.group(1) for n in seen if (m := _ATTACHMENT_MEMBER.match(n))}
        missing = wanted - present
        if missing:
            raise PacketError(f"{name} is incomplete: {len(missing)} attachment(s) are missing.")
        for digest in sorted(present):
            content = _read_member(
                zf, name, zf.getinfo(f"attachments/{digest}"), MAX_MEMBER_BYTES, budget
            )
            if hashlib.sha256(content).hexdigest() != digest:
                raise PacketError(f"{name} is damaged: an attachment does not match its checksum.")
    packet.path = source
    return packet


def read_attachment(packet: Packet, sha256: str) -> bytes:
    """The bytes of one attachment of an opened packet, checked against its SHA-256."""
    if packet.path is None:
        raise PacketError("This packet was not read from a file.")
    name = packet.path.name
    member = f"attachments/{sha256}"
    try:
        with zipfile.ZipFile(packet.path) as zf:
            content = _read_member(
                zf, name, zf.getinfo(member), MAX_MEMBER_BYTES, [MAX_TOTAL_BYTES]
            )
    except KeyError:
        raise PacketError(f"{name} has no such attachment.") from None
    except (OSError, zipfile.BadZipFile) as exc:
        raise PacketError(f"The packet file {name} cannot be read any more: {exc}.") from None
    if hashlib.sha256(content).hexdigest() != sha256:
        raise PacketError(f"{name} is damaged: an attachment does not match its checksum.")
    return content


def safe_file_name(name: str, fallback: str = "attachment") -> str:
    """A file name that stays inside the folder it is written to (no folders, no dots only)."""
    base = re.split(r"[\\/]", name)[-1]
    base = re.sub(r'[\x00-\x1f<>:"|?*]', "_", base).strip(" .")
    return base[:150] or fallback


def _check_member_name(name: str, member: str) -> None:
    parts = re.split(r"[\\/]", member)
    if (
        member.startswith(("/", "\\"))
        or re.match(r"^[A-Za-z]:", member)
        or ".." in parts
        or "\\" in member
        or "\x00" in member
    ):
        raise PacketError(
            f"{name} holds a file named '{member}' that points outside the packet; "
            "it was not opened."
        )
    if member != PACKET_JSON and not _ATTACHMENT_MEMBER.match(member):
        raise PacketError(
            f"{name} holds an unexpected file '{member}'; it is not a packet this program made."
        )


def _read_member(
    zf: zipfile.ZipFile, name: str, info: zipfile.ZipInfo, limit: int, budget: list[int]
) -> bytes:
    """A member's bytes, counting what is really expanded, not what the header claims."""
    if info.file_size > limit or info.file_size > budget[0]:
        raise _too_big(name, info.filename, limit)
    chunks: list[bytes] = []
    size = 0
    try:
        with zf.open(info) as member:
            while chunk := member.read(_CHUNK):
                size += len(chunk)
                if size > limit or size > budget[0]:
                    raise _too_big(name, info.filename, limit)
                chunks.append(chunk)
    except PacketError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError) as exc:
        raise PacketError(f"{name} is damaged ({info.filename}: {exc}).") from None
    except NotImplementedError:
        raise PacketError(
            f"{name} uses a kind of compression this program does not read."
        ) from None
    budget[0] -= size
    return b"".join(chunks)


def _too_big(name: str, member: str, limit: int) -> PacketError:
    return PacketError(
        f"{name} holds '{member}', which expands to more than a review packet may hold "
        f"({limit // (1024 * 1024)} MB); it was not opened."
    )


def _packet_from_json(name: str, raw: bytes) -> Packet:
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise PacketError(f"{name} is damaged: its {PACKET_JSON} is not readable.") from None
    if not isinstance(data, dict) or data.get("format") != PACKET_FORMAT:
        raise PacketError(f"{name} is not a review packet.")
    if data.get("version") != PACKET_VERSION:
        raise PacketError(
            f"{name} is a packet of format version {data.get('version')}; this program reads "
            f"version {PACKET_VERSION}. Install the program's current version."
        )
    try:
        rnd, reviewer, rubric = data["round"], data["reviewer"], data["rubric"]
        criteria = [
            RubricCriterion(
                code=_text(c["code"]),
                name=_text(c["name"]),
                weight_percent=_int(c["weight_percent"]),
                scale_min=_int(c["scale_min"]),
                scale_max=_int(c["scale_max"]),
                required=bool(c["required"]),
                levels={_int(lv["level"]): _text(lv["descriptor"]) for lv in c["levels"]},
            )
            for c in rubric["criteria"]
        ]
        applications = [
            PacketApplication(
                id=_int(a["id"]),
                reference=_text(a["reference"]),
                title=_text(a["title"]),
                applicant=_text(a["applicant"]),
                summary=_text(a["summary"]),
                problem=_text(a["problem"]),
                intervention=_text(a["intervention"]),
                requested_cents=_int(a["requested_cents"]),
                budget_lines=[
                    (_text(b["description"]), _int(b["amount_cents"])) for b in a["budget_lines"]
                ],
                starts_on=date.fromisoformat(a["starts_on"]) if a["starts_on"] else None,
                ends_on=date.fromisoformat(a["ends_on"]) if a["ends_on"] else None,
                attachments=[
                    PacketAttachment(
                        sha256=_text(t["sha256"]),
                        filename=_text(t["filename"]),
                        kind=_text(t["kind"]),
                        media_type=_text(t["media_type"]),
                        size_bytes=_int(t["size_bytes"]),
                    )
                    for t in a["attachments"]
                ],
            )
            for a in data["applications"]
        ]
        secret = _text(data["signing"]["secret"])
        bytes.fromhex(secret)
        packet = Packet(
            packet_uid=_text(data["packet_id"]),
            round_id=_int(rnd["id"]),
            round_name=_text(rnd["name"]),
            round_year=_int(rnd["year"]),
            round_number=_int(rnd["number"]),
            reviewer_id=_int(reviewer["id"]),
            reviewer_name=_text(reviewer["name"]),
            reviewer_email=_text(reviewer["email"]),
            deadline=date.fromisoformat(data["deadline"]) if data["deadline"] else None,
            issued_at=datetime.fromisoformat(data["issued_at"]),
            rubric_name=_text(rubric["name"]),
            criteria=criteria,
            applications=applications,
            signing_secret=secret,
        )
    except (KeyError, TypeError, ValueError, AttributeError):
        raise PacketError(f"{name} is damaged: its {PACKET_JSON} is incomplete.") from None
    if not packet.criteria:
        raise PacketError(f"{name} is damaged: its rubric has no criteria.")
    for c in packet.criteria:
        if c.scale_min >= c.scale_max:
            raise PacketError(f"{name} is damaged: the scale of '{c.name}' is wrong.")
    return packet


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError("not text")
    return value


def _int(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError("not an integer")
    return value

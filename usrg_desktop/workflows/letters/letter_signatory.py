"""Who signs the letters: a name, a designation, on whose behalf, and an optional signature image.

An administrator sets them once; every letter issued afterwards prints them under "Yours
sincerely" (and keeps them in its register entry, so a re-print shows the signatory of the day).
Without a signatory the template's own closing lines are printed, with room to sign by hand.

The settings table holds short texts; a signature image is kept there base64-encoded in numbered
pieces (each under the column's 4,000 characters), so no schema change was needed.
"""

from __future__ import annotations

import base64
import io
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ...domain.accounts import Role, Setting
from ...printing.letter_layout import Signatory
from .. import Actor, PermissionDenied, WorkflowError
from ..system.audit_trail import audit

_PREFIX = "letters.signatory."
_IMAGE = _PREFIX + "signature_png."
_PIECE = 3_900
SIGNATURE_MAX_BYTES = 200_000
_LIMITS = {"name": 120, "designation": 160, "on_behalf_of": 200}
_LABELS = {"name": "name", "designation": "designation", "on_behalf_of": "'on behalf of'"}


def _text(session: Session, key: str) -> str:
    row = session.get(Setting, _PREFIX + key)
    return row.value if row is not None else ""


def _signature(session: Session) -> bytes | None:
    pieces = session.execute(
        select(Setting.key, Setting.value).where(Setting.key.like(_IMAGE + "%"))
    ).all()
    if not pieces:
        return None
    ordered = sorted(pieces, key=lambda kv: int(kv[0].removeprefix(_IMAGE)))
    try:
        return base64.b64decode("".join(value for _key, value in ordered))
    except ValueError:
        return None


def current_signatory(session: Session) -> Signatory | None:
    """The signatory letters are printed with now, or None when none is set."""
    name = _text(session, "name")
    if not name:
        return None
    return Signatory(
        name, _text(session, "designation"), _text(session, "on_behalf_of"), _signature(session)
    )


def _checked_signature(data: bytes) -> bytes:
    if len(data) > SIGNATURE_MAX_BYTES:
        raise WorkflowError(
            f"The signature image is {len(data) // 1000} kB; it must be under "
            f"{SIGNATURE_MAX_BYTES // 1000} kB."
        )
    if not (data.startswith(b"\x89PNG\r\n\x1a\n") or data.startswith(b"\xff\xd8\xff")):
        raise WorkflowError("The signature image must be a PNG or JPEG image.")
    try:
        from PIL import Image

        with Image.open(io.BytesIO(data)) as image:
            image.verify()
    except Exception as exc:  # noqa: BLE001 - any decoding problem means a damaged image
        raise WorkflowError("The signature image is damaged and cannot be read.") from exc
    return data


def _put(session: Session, key: str, value: str) -> None:
    row = session.get(Setting, key)
    if row is None:
        session.add(Setting(key=key, value=value))
    else:
        row.value = value


def set_signatory(
    session: Session,
    *,
    actor: Actor,
    now: datetime,
    name: str | None = None,
    designation: str | None = None,
    on_behalf_of: str | None = None,
    signature_png: bytes | None = None,
    remove_signature: bool = False,
) -> Signatory | None:
    """Administrator: change who signs the letters (only the parts given change).

    An empty name removes the signatory: letters then end with the template's own lines.
    Letters already issued keep the signatory they were printed with.
    """
    if actor.role != Role.ADMINISTRATOR:
        raise PermissionDenied("Only an administrator may change who signs the letters.")
    given = {"name": name, "designation": designation, "on_behalf_of": on_behalf_of}
    for key, value in given.items():
        if value is not None and len(value.strip()) > _LIMITS[key]:
            raise WorkflowError(
                f"The signatory's {_LABELS[key]} is longer than {_LIMITS[key]} characters."
            )
        if value is not None and "\n" in value.strip():
            raise WorkflowError(f"The signatory's {_LABELS[key]} must be one line.")
    image = _checked_signature(signature_png) if signature_png is not None else None
    if name is not None and not name.strip() and (designation or on_behalf_of or image):
        raise WorkflowError("Give the signatory's name with the designation and signature.")
    for key, value in given.items():
        if value is not None:
            _put(session, _PREFIX + key, value.strip())
    if remove_signature or image is not None:
        session.execute(delete(Setting).where(Setting.key.like(_IMAGE + "%")))
    if image is not None:
        text = base64.b64encode(image).decode()
        for n, start in enumerate(range(0, len(text), _PIECE)):
            session.add(Setting(key=f"{_IMAGE}{n}", value=text[start : start + _PIECE]))
    changed = [_LABELS[k] for k, v in given.items() if v is not None]
    if image is not None:
        changed.append("signature image")
    elif remove_signature:
        changed.append("signature image removed")
    audit(
        session,
        actor=actor,
        now=now,
        entity="setting",
        entity_id=0,
        action="set_signatory",
        detail=", ".join(changed),
    )
    session.flush()
    return current_signatory(session)

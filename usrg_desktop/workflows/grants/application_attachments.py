"""An application's attachments: which files are accepted, adding, listing, removing and
saving them to a file."""

from __future__ import annotations

import hashlib
import io
import tempfile
import zipfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...domain.grants import Attachment, AttachmentKind
from .. import Actor, WorkflowError
from ..system.dates import sast_minutes
from ..system.roles import require_staff
from .application_states import _audit, _load, _name

# -- attachments --------------------------------------------------------------------------------
MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024
_ZIP = b"PK\x03\x04"
# By extension: the media type, what a real file starts with, and (for Office files, which are
# zip archives) a part the archive must hold.
ATTACHMENT_TYPES: dict[str, tuple[str, str, tuple[bytes, ...], str | None]] = {
    ".pdf": ("application/pdf", "PDF", (b"%PDF-",), None),
    ".docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "Word (.docx)",
        (_ZIP,),
        "word/document.xml",
    ),
    ".xlsx": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "Excel (.xlsx)",
        (_ZIP,),
        "xl/workbook.xml",
    ),
    ".png": ("image/png", "PNG image", (b"\x89PNG\r\n\x1a\n",), None),
    ".jpg": ("image/jpeg", "JPEG image", (b"\xff\xd8\xff",), None),
    ".jpeg": ("image/jpeg", "JPEG image", (b"\xff\xd8\xff",), None),
}
ATTACHMENT_PATTERNS = " ".join(f"*{ext}" for ext in ATTACHMENT_TYPES)


def _megabytes(n: int) -> str:
    # Rounded up, so a file just over the limit never reads as the limit itself.
    tenths = -(-n * 10 // (1024 * 1024))
    return f"{tenths / 10:.1f} MB".replace(".0 MB", " MB")


def _zip_holds(content: bytes, part: str) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            return part in archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return False


@dataclass(frozen=True)
class AttachmentInfo:
    """An attachment as the Attachments tab lists it (without its content)."""

    id: int
    kind: str
    filename: str
    media_type: str
    size_bytes: int
    sha256: str
    added_at: str


def attachment_listing(session: Session, application_id: int) -> list[AttachmentInfo]:
    """The application's attachments, oldest first (their content is not loaded)."""
    rows = session.execute(
        select(
            Attachment.id,
            Attachment.kind,
            Attachment.filename,
            Attachment.media_type,
            Attachment.size_bytes,
            Attachment.sha256,
            Attachment.added_at,
        )
        .where(Attachment.application_id == application_id)
        .order_by(Attachment.added_at, Attachment.id)
    ).all()
    return [
        AttachmentInfo(i, k, f, m, int(s), h, sast_minutes(a) or "") for i, k, f, m, s, h, a in rows
    ]


def add_attachment(
    session: Session,
    *,
    application_id: int,
    path: str | Path,
    kind: str,
    actor: Actor,
    now: datetime,
) -> int:
    """Attach a PDF, DOCX, XLSX, PNG or JPEG file (at most 20 MB) with its SHA-256; its id."""
    require_staff(actor, "attach files")
    app = _load(session, application_id)
    source = Path(path)
    name = source.name
    if kind not in {k.value for k in AttachmentKind}:
        raise WorkflowError(
            f"'{kind}' is not a kind of attachment; choose one of: "
            + ", ".join(k.value for k in AttachmentKind)
            + "."
        )
    known = ATTACHMENT_TYPES.get(source.suffix.lower())
    if known is None:
        raise WorkflowError(
            f"{name} cannot be attached: only PDF, Word (.docx), Excel (.xlsx), PNG and JPEG "
            "files can."
        )
    media_type, type_name, magics, part = known
    try:
        size = source.stat().st_size
        if not source.is_file():
            raise IsADirectoryError(name)
        if size > MAX_ATTACHMENT_BYTES:
            raise WorkflowError(
                f"{name} is {_megabytes(size)}; an attachment may be at most "
                f"{_megabytes(MAX_ATTACHMENT_BYTES)}."
            )
        content = source.read_bytes()
    except OSError as exc:
        raise WorkflowError(
            f"{name} cannot be read: {exc.strerror or 'it is not a file'}."
        ) from exc
    if len(content) > MAX_ATTACHMENT_BYTES:  # it grew after the size was read
        raise WorkflowError(
            f"{name} is {_megabytes(len(content))}; an attachment may be at most "
            f"{_megabytes(MAX_ATTACHMENT_BYTES)}."
        )
    if not content:
        raise WorkflowError(f"{name} is empty.")
    if not content.startswith(magics) or (part is not None and not _zip_holds(content, part)):
        raise WorkflowError(
            f"{name} is not a real {type_name} file, whatever its name says; "
            "save it again from the program that made it."
        )
    digest = hashlib.sha256(content).hexdigest()
    twin = session.scalar(
        select(Attachment.filename).where(
            Attachment.application_id == app.id, Attachment.sha256 == digest
        )
    )
    if twin is not None:
        raise WorkflowError(f"{name} is already attached to {_name(app)} as {twin}.")
    attachment = Attachment(
        application_id=app.id,
        kind=kind,
        filename=name[:255],
        media_type=media_type,
        size_bytes=len(content),
        sha256=digest,
        content=content,
        added_at=now,
    )
    session.add(attachment)
    session.flush()
    _audit(
        session,
        app,
        actor,
        now,
        "attach",
        app.state,
        app.state,
        detail=f"{name} ({kind}, sha256 {digest})",
    )
    session.flush()
    return attachment.id


def remove_attachment(session: Session, *, attachment_id: int, actor: Actor, now: datetime) -> str:
    """Remove an attachment (the audit trail keeps its name and SHA-256); its file name."""
    require_staff(actor, "remove attachments")
    attachment = session.get(Attachment, attachment_id)
    if attachment is None:
        raise WorkflowError(f"There is no attachment with id {attachment_id}.")
    app = _load(session, attachment.application_id)
    name, digest = attachment.filename, attachment.sha256
    session.delete(attachment)
    _audit(
        session,
        app,
        actor,
        now,
        "remove_attachment",
        app.state,
        app.state,
        detail=f"{name} ({attachment.kind}, sha256 {digest})",
    )
    session.flush()
    return name


def attachment_to_file(
    session: Session, *, attachment_id: int, folder: str | Path | None = None
) -> Path:
    """Write an attachment's content to a file (in a new temporary folder unless given)."""
    row = session.execute(
        select(Attachment.filename, Attachment.content, Attachment.sha256).where(
            Attachment.id == attachment_id
        )
    ).first()
    if row is None:
        raise WorkflowError(f"There is no attachment with id {attachment_id}.")
    filename, content, digest = row
    if hashlib.sha256(content).hexdigest() != digest:
        raise WorkflowError(f"{filename} is damaged in the database: its SHA-256 does not match.")
    target_folder = Path(folder) if folder is not None else Path(tempfile.mkdtemp(prefix="usrg-"))
    # Only the last part of the stored name: a name can never write outside the folder.
    safe = Path(filename.replace("\\", "/")).name or f"attachment-{attachment_id}"
    target = target_folder / safe
    try:
        target.write_bytes(content)
    except OSError as exc:
        raise WorkflowError(
            f"{safe} could not be written to {target_folder}: {exc.strerror}."
        ) from exc
    return target

"""The letterhead letters and packs are printed on: the active one, an administrator's changes
(name, address, footer, logo, checked), and the form it is kept in with each issued letter."""

from __future__ import annotations

import base64
import io
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...domain.accounts import Role
from ...domain.awards import Letterhead as LetterheadRow
from ...printing.styles import Letterhead
from .. import Actor, PermissionDenied, WorkflowError
from ..system.audit_trail import audit


# -- the letterhead -----------------------------------------------------------------------------
def current_letterhead(session: Session) -> Letterhead:
    """The active letterhead the administrator set (the first one if several are active)."""
    row = session.scalar(
        select(LetterheadRow).where(LetterheadRow.active.is_(True)).order_by(LetterheadRow.id)
    )
    if row is None:
        raise WorkflowError("No letterhead is set; an administrator must set one first.")
    return Letterhead(row.name, row.address, row.footer, row.logo_png)


# Each registered letter keeps the letterhead it was printed on, logo included.
LOGO_MAX_BYTES = 500_000


def set_letterhead(
    session: Session,
    *,
    actor: Actor,
    now: datetime,
    name: str | None = None,
    address: str | None = None,
    footer: str | None = None,
    logo_png: bytes | None = None,
    remove_logo: bool = False,
) -> Letterhead:
    """Administrator: change the active letterhead (name, address block, footer, logo image).

    Only the parts given change. Letters already issued keep the letterhead they were printed
    on (it is in their register entry), so their re-prints do not change.
    """
    if actor.role != Role.ADMINISTRATOR:
        raise PermissionDenied("Only an administrator may change the letterhead.")
    row = session.scalar(
        select(LetterheadRow).where(LetterheadRow.active.is_(True)).order_by(LetterheadRow.id)
    )
    if row is None:
        raise WorkflowError("No letterhead is set; an administrator must set one first.")
    if name is not None:
        if not name.strip():
            raise WorkflowError("The letterhead's name cannot be empty.")
        if len(name.strip()) > 120:
            raise WorkflowError("The letterhead's name is longer than 120 characters.")
        row.name = name.strip()
    if address is not None:
        lines = [line.rstrip() for line in address.strip().splitlines()]
        if len(lines) > 5:
            raise WorkflowError("The address block has more than 5 lines; a letterhead fits 5.")
        row.address = "\n".join(lines)
    if footer is not None:
        lines = [line.rstrip() for line in footer.strip().splitlines()]
        if len(lines) > 2:
            raise WorkflowError("The footer has more than 2 lines; a page fits 2.")
        row.footer = "\n".join(lines)
    if remove_logo:
        row.logo_png = None
    elif logo_png is not None:
        row.logo_png = _checked_logo(logo_png)
    audit(
        session,
        actor=actor,
        now=now,
        entity="letterhead",
        entity_id=row.id,
        action="set_letterhead",
        detail=", ".join(
            part
            for part, given in (
                ("name", name is not None),
                ("address", address is not None),
                ("footer", footer is not None),
                (
                    "logo removed" if remove_logo else "logo",
                    remove_logo or logo_png is not None,
                ),
            )
            if given
        ),
    )
    session.flush()
    return Letterhead(row.name, row.address, row.footer, row.logo_png)


def _checked_logo(data: bytes) -> bytes:
    if len(data) > LOGO_MAX_BYTES:
        raise WorkflowError(
            f"The logo is {len(data) // 1000:,} kB; a letterhead logo must be under "
            f"{LOGO_MAX_BYTES // 1000:,} kB.".replace(",", " ")
        )
    if not (data.startswith(b"\x89PNG\r\n\x1a\n") or data.startswith(b"\xff\xd8\xff")):
        raise WorkflowError("The logo must be a PNG or JPEG image.")
    try:
        from PIL import Image

        with Image.open(io.BytesIO(data)) as image:
            image.verify()
    except Exception as exc:  # noqa: BLE001 - any decoding problem means a damaged image
        raise WorkflowError("The logo image is damaged and cannot be read.") from exc
    return data


def _letterhead_data(letterhead: Letterhead) -> dict[str, str | None]:
    logo = base64.b64encode(letterhead.logo_png).decode() if letterhead.logo_png else None
    return {
        "name": letterhead.name,
        "address": letterhead.address,
        "footer": letterhead.footer,
        "logo_png": logo,
    }


def _letterhead_from(data: dict[str, str | None]) -> Letterhead:
    logo = data.get("logo_png")
    return Letterhead(
        data["name"] or "",
        data["address"] or "",
        data["footer"] or "",
        base64.b64decode(logo) if logo else None,
    )

"""Who may act: the roles the workflows check, and the refusal each check gives."""

from __future__ import annotations

from ...domain.accounts import Role
from .. import Actor, PermissionDenied

STAFF = frozenset({Role.ADMINISTRATOR, Role.SECRETARIAT})


def require_staff(actor: Actor, doing: str) -> None:
    """Refuse unless the actor is the secretariat or an administrator."""
    if actor.role not in STAFF:
        raise PermissionDenied(f"Only the secretariat or an administrator may {doing}.")

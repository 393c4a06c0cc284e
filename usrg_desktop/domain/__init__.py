"""SQLAlchemy models of every aggregate; importing this package registers them all on Base."""

from . import accounts, audit, awards, directory, grants, mail, meetings, reviews
from .base import Base

__all__ = [
    "Base",
    "accounts",
    "audit",
    "awards",
    "directory",
    "grants",
    "mail",
    "meetings",
    "reviews",
]

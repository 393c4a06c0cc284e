"""Counts as the secretariat writes them: '1 application', '2 applications', '20 000 reviews'."""

from __future__ import annotations

_IRREGULAR = {"people": "person"}


def counted(n: int, noun: str, plural: str | None = None) -> str:
    """`n` and the noun, singular for one, with thousands grouped by a space (en_ZA)."""
    word = noun if n == 1 else (plural or f"{noun}s")
    return f"{n:,} {word}".replace(",", " ")


def singular(plural: str) -> str:
    """The singular of a list's plural noun: 'member cities' → 'member city', 'people' →
    'person', 'audit events' → 'audit event'."""
    head, _, last = plural.rpartition(" ")
    if last in _IRREGULAR:
        one = _IRREGULAR[last]
    elif last.endswith("ies"):
        one = last[:-3] + "y"
    elif last.endswith("s"):
        one = last[:-1]
    else:
        one = last
    return f"{head} {one}" if head else one


def counted_plural(n: int, plural: str) -> str:
    """`n` and a plural noun, made singular for one: (1, 'applications') → '1 application'."""
    return counted(n, singular(plural), plural)

"""Use cases: one function per user action, plus the read queries that feed every list."""

from __future__ import annotations

from dataclasses import dataclass, field


class WorkflowError(Exception):
    """An action that was refused; the message is one sentence a secretariat member understands."""


class PermissionDenied(WorkflowError):
    """The acting user's role may not do this."""


@dataclass(frozen=True)
class Column:
    """One column of a list: its snake_case key, its heading and how its values are shown.

    kind is one of: text, int, money (cents), date (ISO text), datetime (ISO text, minutes),
    score (float or None), bool.
    """

    key: str
    label: str
    kind: str = "text"


@dataclass
class Listing:
    """What a list shows: its columns and its rows as plain tuples in column order."""

    title: str
    columns: list[Column]
    rows: list[tuple] = field(default_factory=list)

    def keys(self) -> list[str]:
        """The snake_case keys of the columns, in order."""
        return [c.key for c in self.columns]

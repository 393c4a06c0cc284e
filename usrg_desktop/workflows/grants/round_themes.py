"""A round's themes: the topics its call asks for (for example "Youth and gang violence
prevention"), listed in order on the round's form. Each application names the theme it
addresses; the funder's report counts applications, awards and amounts by theme.

A theme may be renamed in place (same position) or added; one that applications already name
cannot be removed, so no application loses its theme without a word.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ...domain.grants import Application, Round, RoundTheme

THEME_LIMIT = 120
NO_THEME = "No theme given"


def theme_labels(themes: Sequence[str]) -> list[str]:
    """The themes as typed, trimmed, blank lines left out."""
    return [t.strip() for t in themes if t.strip()]


def themes_error(themes: Sequence[str]) -> str | None:
    """What is wrong with a round's list of themes, as a sentence, or None."""
    labels = theme_labels(themes)
    seen: set[str] = set()
    for label in labels:
        if len(label) > THEME_LIMIT:
            return f"The theme '{label[:40]}…' has more than {THEME_LIMIT} characters."
        if label.casefold() in seen:
            return f"The theme '{label}' is listed twice."
        seen.add(label.casefold())
    return None


def _existing(session: Session, round_id: int) -> list[RoundTheme]:
    return list(
        session.scalars(
            select(RoundTheme).where(RoundTheme.round_id == round_id).order_by(RoundTheme.position)
        )
    )


def _plan(existing: list[RoundTheme], labels: list[str]) -> dict[int, RoundTheme]:
    """Which existing theme each new position keeps: the one with its label, else the one that
    stood in its place and is not kept elsewhere (a theme renamed in place)."""
    by_label = {t.label.casefold(): t for t in existing}
    kept: dict[int, RoundTheme] = {}
    taken: set[int] = set()
    for position, label in enumerate(labels, start=1):
        theme = by_label.get(label.casefold())
        if theme is not None and theme.id not in taken:
            kept[position] = theme
            taken.add(theme.id)
    for position, _label in enumerate(labels, start=1):
        if position in kept:
            continue
        theme = next((t for t in existing if t.position == position and t.id not in taken), None)
        if theme is not None:
            kept[position] = theme
            taken.add(theme.id)
    return kept


def themes_in_use_error(session: Session, round_id: int, themes: Sequence[str]) -> str | None:
    """A sentence when the new list drops a theme that applications name, else None.

    A theme is kept when its label is still listed, or when its place in the list is (a theme
    renamed in place keeps its applications)."""
    existing = _existing(session, round_id)
    kept = {t.id for t in _plan(existing, theme_labels(themes)).values()}
    dropped = [t for t in existing if t.id not in kept]
    for theme in dropped:
        count = session.scalar(
            select(func.count(Application.id)).where(Application.theme_id == theme.id)
        )
        if count:
            return (
                f"The theme '{theme.label}' is the theme of {count} "
                f"application{'s' if count != 1 else ''}, so it cannot be removed."
            )
    return None


def current_themes(session: Session, round_id: int) -> list[str]:
    """A round's themes in order."""
    return list(
        session.scalars(
            select(RoundTheme.label)
            .where(RoundTheme.round_id == round_id)
            .order_by(RoundTheme.position)
        )
    )


def theme_choices(session: Session, round_id: int) -> list[tuple[int, str]]:
    """A round's themes as (id, label), in order: what an application's theme is chosen from."""
    return [
        (int(theme_id), label)
        for theme_id, label in session.execute(
            select(RoundTheme.id, RoundTheme.label)
            .where(RoundTheme.round_id == round_id)
            .order_by(RoundTheme.position)
        )
    ]


def theme_id_named(session: Session, round_id: int, label: str) -> int | None:
    """The id of the round's theme with this label (any case), or None."""
    wanted = label.strip().casefold()
    for theme_id, name in theme_choices(session, round_id):
        if name.casefold() == wanted:
            return theme_id
    return None


def suggested_themes(session: Session) -> list[str]:
    """The themes a new round starts with: the latest round's (none for the first round)."""
    latest = session.scalar(
        select(RoundTheme.round_id)
        .join(Round, Round.id == RoundTheme.round_id)
        .order_by(Round.opens_on.desc(), Round.id.desc())
        .limit(1)
    )
    return [] if latest is None else current_themes(session, latest)


def write_themes(session: Session, round_id: int, themes: Sequence[str]) -> None:
    """Make the round's themes these, in this order: a theme still listed (by label, or renamed
    in its place) keeps its row and so its applications; the others are removed (the caller
    checked with themes_in_use_error that no application names them)."""
    labels = theme_labels(themes)
    existing = _existing(session, round_id)
    kept = _plan(existing, labels)
    taken = {t.id for t in kept.values()}
    for theme in existing:
        if theme.id not in taken:
            session.delete(theme)
    # Positions are unique per round: park the kept ones out of the way before renumbering.
    for n, theme in enumerate(kept.values(), start=1):
        theme.position = -n
    session.flush()
    for position, label in enumerate(labels, start=1):
        theme = kept.get(position)
        if theme is None:
            session.add(RoundTheme(round_id=round_id, position=position, label=label))
        else:
            theme.position, theme.label = position, label
    session.flush()

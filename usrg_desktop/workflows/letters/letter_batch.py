"""A round's letters in one batch: one PDF per letter, registered in groups, and a merged file.

`issue_letters_for_round` is long work (a generator of progress steps, see views/progress.py);
the letters themselves are made and registered by `letters._issue`, one at a time, in units of
work of LETTERS_PER_COMMIT letters. Each PDF is written under a temporary name and renamed once
its group's registration has committed, so a batch stopped at any point (Cancel, an error, the
process killed) leaves no letter file that the register does not know.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Collection, Generator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import func, select

from ...clock import south_african_day
from ...domain.awards import IssuedLetter
from ...domain.directory import Body, City
from ...domain.grants import Application, Round
from .. import Actor, WorkflowError
from ..system.roles import require_staff
from . import letter_rules as rules
from .issuing import KIND_LABELS, KIND_PLURALS, _issue, _kind, _printing, letter_candidates

if TYPE_CHECKING:
    from ...storage import Database


@dataclass
class BatchResult:
    """What a batch of letters produced: references, files, and the merged file if asked."""

    references: list[str] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)
    merged: Path | None = None


def _check_out_dir(out_dir: Path) -> None:
    if out_dir.exists() and not out_dir.is_dir():
        raise WorkflowError(f"The output folder {out_dir} is a file, not a folder.")
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise WorkflowError(
            f"The output folder {out_dir} cannot be made ({exc.strerror})."
        ) from exc
    if not os.access(out_dir, os.W_OK):
        raise WorkflowError(f"The output folder {out_dir} cannot be written to.")


def _file_name(reference: str) -> str:
    return reference.replace("/", "-") + ".pdf"


# Letters registered per commit in a batch: one commit per letter cost about a millisecond each
# (a synchronous write to disk); a cancel still keeps exactly the letters finished.
LETTERS_PER_COMMIT = 10


def _keep(result: BatchResult, written: list[tuple[str, Path]]) -> None:
    for reference, path in written:
        result.references.append(reference)
        result.files.append(path)


def issue_letters_for_round(
    db: Database,
    *,
    round_id: int,
    kind: str,
    actor: Actor,
    now: datetime,
    out_dir: Path | str,
    merged: Path | str | None = None,
    every_submitted: bool = False,
    confirmed: bool = False,
    duplex: bool = True,
    only: Collection[int] | None = None,
) -> Generator[tuple[int, int, str], None, BatchResult]:
    """Issue a letter of this kind to every application of the round that needs one (of those
    in `only`, when the user chose some).

    A generator of (done, total, label). Letters are registered in units of work of up to
    LETTERS_PER_COMMIT letters; a batch closed halfway (Cancel) commits and keeps exactly the
    letters it finished, each registered and written as <out_dir>/<reference>.pdf, and a letter
    that fails undoes only its unfinished group (files included). With `merged`, one PDF of all
    of them is written at the end: each letter on a front page unless `duplex` is False, a
    bookmark per letter. A round that is decided already is refused with the question to ask
    (ConfirmationNeeded) unless `confirmed`.
    Each letter's PDF is written as <reference>.pdf.part and renamed once its group's
    registration is committed, so a batch killed halfway leaves no PDF under a letter's name
    that the register does not know; the next batch into the folder finishes what such a stop
    left (finish_interrupted).
    Returns what it made.
    """
    require_staff(actor, "issue letters")
    _kind(kind)
    out = Path(out_dir)
    merged_path = Path(merged) if merged else None
    if merged_path is not None and merged_path.suffix.lower() != ".pdf":
        raise WorkflowError(f"The merged file {merged_path.name} must end in .pdf.")
    finish_interrupted(db, out)
    with db.unit_of_work() as session:
        rnd = session.get(Round, round_id)
        if rnd is None:
            raise WorkflowError(f"There is no round with id {round_id}.")
        round_name = rnd.name
        ids = letter_candidates(
            session, round_id=round_id, kind=kind, every_submitted=every_submitted
        )
        if only is not None:
            ids = [i for i in ids if i in set(only)]
        if not ids:
            raise WorkflowError(
                rules.nothing_to_issue(
                    session,
                    round_id=round_id,
                    round_name=round_name,
                    kind=kind,
                    label=KIND_LABELS[kind],
                    plural=KIND_PLURALS[kind],
                )
            )
        question = rules.decided_round_question(session, round_id, KIND_PLURALS[kind], len(ids))
        if question and not confirmed:
            raise rules.ConfirmationNeeded(question)
    _check_out_dir(out)
    with db.unit_of_work() as session:
        printing = _printing(session, kind, actor, now)
    result = BatchResult()
    total = len(ids)
    yield 0, total, f"Issuing {total} {KIND_PLURALS[kind]} for {round_name}…"
    done = 0
    for start in range(0, total, LETTERS_PER_COMMIT):
        written: list[tuple[str, Path]] = []
        unit = db.unit_of_work()
        session = unit.__enter__()
        # Held for the group (the session keeps only the rows something holds), so each award
        # made reads its round from the session instead of the database.
        session.info["letters.round"] = session.get(Round, round_id)
        try:
            for application_id in ids[start : start + LETTERS_PER_COMMIT]:
                issued = _issue(
                    session,
                    application_id=application_id,
                    kind=kind,
                    actor=actor,
                    now=now,
                    printing=printing,
                )
                path = out / _file_name(issued.reference)
                if path.is_dir():
                    raise WorkflowError(
                        f"The letter {path} cannot be written (a folder has that name)."
                    )
                try:
                    _part(path).write_bytes(issued.pdf)
                except OSError as exc:
                    raise WorkflowError(
                        f"The letter {path} cannot be written ({exc.strerror})."
                    ) from exc
                written.append((issued.reference, path))
                done += 1
                yield done, total, f"{issued.reference} ({done} of {total})"
        except GeneratorExit:
            # Cancelled between two letters: the letters finished so far are kept.
            unit.__exit__(None, None, None)
            _move_into_place(written)
            _keep(result, written)
            raise
        except BaseException as exc:
            # A letter that failed undoes the unfinished group: its files go with it, so no
            # file is left without its registration.
            unit.__exit__(type(exc), exc, exc.__traceback__)
            for _reference, path in written:
                _part(path).unlink(missing_ok=True)
            raise
        unit.__exit__(None, None, None)
        _move_into_place(written)
        _keep(result, written)
    if merged_path is not None:
        yield total, total, f"Merging {total} letters into {merged_path.name}…"
        result.merged = merge_pdfs(
            result.files,
            merged_path,
            title=f"{KIND_PLURALS[kind].capitalize()}, {round_name}",
            created_on=south_african_day(now),
            duplex=duplex,
            bookmarks=[_bookmark(session_db=db, reference=r) for r in result.references],
        )
    return result


def finish_interrupted(db: Database, out: Path) -> list[Path]:
    """Finish what a batch stopped between its commit and its renames left in `out`.

    A .part file holding a registered letter (the register's SHA-256, the letter's own file
    name) is moved into place; any other .part file is a letter that was never registered and
    is removed. Returns the letters moved into place.
    """
    parts = sorted(out.glob("*.pdf.part")) if out.is_dir() else []
    finished: list[Path] = []
    if not parts:
        return finished
    with db.unit_of_work() as session:
        for part in parts:
            target = part.with_name(part.name.removesuffix(".part"))
            try:
                digest = hashlib.sha256(part.read_bytes()).hexdigest()
                reference = session.scalar(
                    select(IssuedLetter.reference).where(IssuedLetter.sha256 == digest)
                )
                if reference is not None and _file_name(reference) == target.name:
                    part.replace(target)
                    finished.append(target)
                else:
                    part.unlink(missing_ok=True)
            except OSError:
                continue  # a file that cannot be read or moved is left as it is
    return finished


def _part(path: Path) -> Path:
    return path.with_name(path.name + ".part")


def _move_into_place(written: list[tuple[str, Path]]) -> None:
    """Rename the group's letters to their own names, now that their registration committed."""
    for _reference, path in written:
        _part(path).replace(path)


def _bookmark(*, session_db: Database, reference: str) -> str:
    with session_db.unit_of_work() as session:
        applicant = session.execute(
            select(func.coalesce(City.short_name, Body.short_name))
            .select_from(IssuedLetter)
            .join(Application, Application.id == IssuedLetter.application_id)
            .outerjoin(City, City.id == Application.applicant_city_id)
            .outerjoin(Body, Body.id == Application.applicant_body_id)
            .where(IssuedLetter.reference == reference)
        ).scalar()
    return f"{reference} · {applicant}" if applicant else reference


def merge_pdfs(
    files: list[Path],
    target: Path,
    *,
    title: str = "Letters",
    created_on: date | None = None,
    duplex: bool = True,
    bookmarks: list[str] | None = None,
) -> Path:
    """One PDF of the given letters in order, to print in one go (written via a temporary file).

    Each letter starts on a front page unless `duplex` is False (a blank back follows a letter
    of an odd number of pages); one bookmark per letter (its file name unless given).
    """
    from ...printing.letter_merge import MergePart, merged_letters_pdf

    partial = target.with_name(target.name + ".part")
    try:
        parts = [
            MergePart(name, path.read_bytes())
            for name, path in zip(bookmarks or [p.stem for p in files], files, strict=True)
        ]
        pdf = merged_letters_pdf(
            parts, title=title, created_on=created_on or date(2000, 1, 1), duplex=duplex
        )
        target.parent.mkdir(parents=True, exist_ok=True)
        partial.write_bytes(pdf)
        partial.replace(target)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise WorkflowError(
            f"The merged file {target} cannot be written ({exc.strerror})."
        ) from exc
    return target

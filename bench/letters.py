"""The letters benchmark: 500 award letters issued in batches (registered, award created, state
moved, one PDF each; then all 500 merged into one PDF) against ReportLab alone building the same
500 documents from ready-made data.

The 500 applications are in 10 rounds of 50. Each round's batch is timed, then ReportLab alone
on the same 50 letters, in turn: on a machine shared with other work, both sides see the same
load. The merged PDF adds the time to merge the 500 files to the batches' time.
"""

from __future__ import annotations

import json
import tempfile
import time
from datetime import date, datetime
from pathlib import Path

LETTERS = 500
ROUNDS = 10
NOW = datetime(2026, 11, 25, 8, 0)
# A few names as the cities write them, so the font subsets are realistic.
NAMES = ("Ṱhalitshani Ṋemaṅḽa", "Pieter van der Merwe-Kêrël", "Nomvula Dlamini", "Lerato Šoba")


def approved_database(path: Path, letters: int = LETTERS, rounds: int = ROUNDS):
    """A new database with `letters` approved applications spread over `rounds` rounds.

    Returns (database, round ids)."""
    from usrg_desktop import storage

    db = storage.open_database(path)
    round_ids = []
    for number in range(1, rounds + 1):
        with db.unit_of_work() as session:
            round_ids.append(_approved_round(session, number, letters // rounds))
    return db, round_ids


def _approved_round(session, number: int, letters: int) -> int:
    from usrg_desktop.domain.awards import Decision
    from usrg_desktop.domain.directory import Person
    from usrg_desktop.domain.grants import Application, Round

    rnd = Round(
        name=f"Innovation Fund 2027 Round {number} (benchmark)",
        year=2027,
        number=number,
        opens_on=date(2027, 1, 1),
        closes_on=date(2027, 3, 31),
        budget_cents=letters * 400_000_00,
        cap_cents=400_000_00,
        status="decided",
        rubric_id=1,
        last_sequence=letters,
        created_at=NOW,
    )
    session.add(rnd)
    session.flush()
    for n in range(1, letters + 1):
        person = Person(
            full_name=NAMES[n % len(NAMES)],
            title="Manager: Community Safety",
            city_id=1 + n % 9,
            role="focal person",
            email=f"contact{number}-{n}@example.org.za",
            consent_basis="public function",
        )
        session.add(person)
        session.flush()
        app = Application(
            round_id=rnd.id,
            reference=f"USRG-IF-2027-{number}-{n:03d}",
            sequence=n,
            applicant_city_id=1 + n % 9,
            title=f"Safer public spaces pilot no. {n}: lighting, marshals and reporting",
            requested_cents=350_000_00 + n,
            contact_person_id=person.id,
            state="approved",
            state_changed_at=NOW,
            created_at=NOW,
        )
        session.add(app)
        session.flush()
        session.add(
            Decision(
                application_id=app.id,
                outcome="approved",
                amount_cents=333_333_33 + n,
                conditions="Submit a revised monitoring plan within 30 days.\n"
                "Acknowledge the USRG innovation fund in all publications.",
                reasons="Strong partnership with local schools.",
                decided_at=NOW,
            )
        )
    return rnd.id


def issue_batch(db, round_id: int, out_dir: Path) -> tuple[float, list[Path]]:
    """Time one round's batch: the workflow the GUI and `usrg letters` run, run to its end as
    `usrg letters` runs it (steps.drain: no full garbage collection meanwhile, as in the GUI)."""
    from usrg_desktop.steps import drain
    from usrg_desktop.workflows import Actor
    from usrg_desktop.workflows.letters.letter_batch import issue_letters_for_round

    actor = Actor(None, "Benchmark", "secretariat")
    start = time.perf_counter()
    work = issue_letters_for_round(
        db,
        round_id=round_id,
        kind="award",
        actor=actor,
        now=NOW,
        out_dir=out_dir,
        confirmed=True,  # the benchmark's rounds are decided: no one to ask
    )
    files = drain(work).files
    return time.perf_counter() - start, files


def ready_made(db, round_id: int):
    """One round's letters as plain data, with the template and letterhead they used."""
    from usrg_desktop.domain.awards import IssuedLetter, LetterTemplate
    from usrg_desktop.domain.grants import Application
    from usrg_desktop.printing.letters import TemplateText, letter_from_data
    from usrg_desktop.workflows.letters.issuing import _letterhead_from

    with db.unit_of_work() as session:
        rows = (
            session.query(IssuedLetter)
            .join(Application, Application.id == IssuedLetter.application_id)
            .filter(Application.round_id == round_id)
            .order_by(IssuedLetter.id)
            .all()
        )
        template = session.get(LetterTemplate, rows[0].template_id)
        text = TemplateText("award", template.version, template.subject, template.body)
        payloads = [json.loads(row.payload) for row in rows]
    letterhead = _letterhead_from(payloads[0]["letterhead"])
    return [letter_from_data(p["letter"]) for p in payloads], text, letterhead


def reportlab_alone(items, text, letterhead) -> float:
    """ReportLab building the same documents from ready-made data, nothing else."""
    from usrg_desktop.printing.letters import letter_pdf

    start = time.perf_counter()
    for letter in items:
        letter_pdf(letter, text, letterhead)
    return time.perf_counter() - start


def run(letters: int = LETTERS, rounds: int = ROUNDS) -> list[tuple[str, float, float, int]]:
    """(name, seconds, floor seconds, pages) for separate PDFs and for one merged PDF."""
    from pypdf import PdfReader

    from usrg_desktop.printing.styles import register_fonts
    from usrg_desktop.workflows.letters.letter_batch import merge_pdfs

    register_fonts()  # once per process, as in the program: not part of either time
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        db, round_ids = approved_database(folder / "bench.sqlite3", letters, rounds)
        ours = floor = 0.0
        files: list[Path] = []
        for round_id in round_ids:
            seconds, made = issue_batch(db, round_id, folder / "letters")
            ours += seconds
            files += made
            floor += reportlab_alone(*ready_made(db, round_id))
        start = time.perf_counter()
        merge_pdfs(files, folder / "all.pdf")
        merge = time.perf_counter() - start
        pages = sum(len(PdfReader(p).pages) for p in files)
        # Duplex-safe: a blank back after each letter of an odd number of pages.
        odd = sum(len(PdfReader(p).pages) % 2 for p in files)
        assert len(PdfReader(folder / "all.pdf").pages) == pages + odd
        db.dispose()
    return [
        (f"letters_{letters}_award_separate_pdfs", ours, floor, pages),
        (f"letters_{letters}_award_plus_merged_pdf", ours + merge, floor, pages),
    ]

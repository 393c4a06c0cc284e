"""Every kind of letter for every demo application it applies to, issued in batches and read back:
fonts embedded, no text drawn over text, every date promised a working day, the final report
after the project's end, one bookmark per letter on a front page of the merged file."""

from __future__ import annotations

import io
import re
from datetime import UTC, date, datetime

from pypdf import PdfReader

from tests.printing.letter_checks import font_problems, overlapping_words, page_texts
from usrg_desktop.workflows import WorkflowError
from usrg_desktop.workflows.awards.project_dates import is_working_day
from usrg_desktop.workflows.letters import letter_batch

from .test_applications import STAFF

NOW = datetime(2026, 12, 7, 8, 0, tzinfo=UTC)
_DATE = re.compile(
    r"\b(\d{1,2}) (January|February|March|April|May|June|July|August|September|October|"
    r"November|December) (\d{4})\b"
)


def promised_dates(text: str) -> list[date]:
    return [
        datetime.strptime(" ".join(m.groups()), "%d %B %Y").date()
        for m in _DATE.finditer(text)
        if datetime.strptime(" ".join(m.groups()), "%d %B %Y").date() > NOW.date()
    ]


def test_every_letter_of_the_demo_holds_the_rules(demo_db, tmp_path):
    issued: dict[str, list] = {}
    for (round_id,) in demo_db.rows("SELECT id FROM rounds ORDER BY id"):
        for kind in ("acknowledgement", "ineligible", "decline", "award"):
            merged = tmp_path / f"{round_id}-{kind}.pdf"
            try:
                work = letter_batch.issue_letters_for_round(
                    demo_db,
                    round_id=round_id,
                    kind=kind,
                    actor=STAFF,
                    now=NOW,
                    out_dir=tmp_path / "letters",
                    merged=merged,
                    every_submitted=True,
                    confirmed=True,
                )
                while True:
                    next(work)
            except StopIteration as stop:
                issued.setdefault(kind, []).extend(stop.value.files)
                reader = PdfReader(merged)
                assert len(reader.outline) == len(stop.value.files)
                assert all(reader.get_destination_page_number(o) % 2 == 0 for o in reader.outline)
                assert len(reader.pages) % 2 == 0
            except WorkflowError as refused:
                assert "No application of" in str(refused)
    assert set(issued) == {"acknowledgement", "ineligible", "decline", "award"}
    ends = dict(demo_db.rows("SELECT reference, ends_on FROM applications"))
    for kind, files in issued.items():
        for path in files:
            pdf = path.read_bytes()
            assert font_problems(pdf) == [], path.name
            assert overlapping_words(pdf) == [], path.name
            text = " ".join(page_texts(pdf))
            dates = promised_dates(text)
            assert all(is_working_day(d) for d in dates), (path.name, dates)
            if kind == "award":
                reference = re.search(r"Your application: (USRG-IF-[\d-]+)", text).group(1)
                end = ends[reference]
                end = end if isinstance(end, date) else date.fromisoformat(str(end)[:10])
                report = re.search(r"Final report (\d{1,2} \w+ \d{4})", text)
                assert report, path.name
                assert datetime.strptime(report.group(1), "%d %B %Y").date() > end
                assert "acceptance slip" in text and "Acceptance of grant" in text
                assert len(PdfReader(io.BytesIO(pdf)).pages) <= 3

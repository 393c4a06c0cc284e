"""The scoring sheet (XLSX): a packet's work written out for a reviewer to fill, and read back.

The sheet has one row per application and criterion with the columns `reference`,
`criterion`, `score`, `comment`, a row per application for the conflict of interest (score
yes/no, comment the reason, optionally starting with its kind: "personal: ...") and one for
the overall recommendation (score fund / fund with conditions / do not fund, comment the
overall comment). `load_sheet` checks it like the form and names sheet rows in its sentences.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .. import WorkflowError
from .review_packet_contents import Packet, PacketApplication, RubricCriterion
from .reviewer_work import ApplicationWork
from .scores_file import CONFLICT_KINDS, RECOMMENDATIONS

CONFLICT_ROW = "conflict of interest"
RECOMMENDATION_ROW = "overall recommendation"
SHEET_COLUMNS = ("reference", "criterion", "score", "comment")
MAX_SHEET_BYTES = 20 * 1024 * 1024


class SheetErrors(WorkflowError):
    """A scoring sheet with mistakes: one sentence per mistake, each naming its sheet row."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = list(problems)
        more = len(self.problems) - 1
        first = self.problems[0] if self.problems else "The scoring sheet has mistakes."
        suffix = f" (and {more} more mistake{'s' if more > 1 else ''})" if more > 0 else ""
        super().__init__(first.rstrip(".") + suffix + ".")


# -- the scoring sheet ---------------------------------------------------------------------------
def sheet_from_packet(
    packet: Packet, out: str | Path, work: dict[int, ApplicationWork] | None = None
) -> Path:
    """Write the XLSX scoring sheet of a packet, filled with the work so far if given."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.worksheet.datavalidation import DataValidation

    target = Path(out)
    if target.suffix.lower() != ".xlsx":
        target = target.with_name(target.name + ".xlsx")
    book = Workbook()
    sheet = book.active
    sheet.title = "Scores"
    sheet.append(list(SHEET_COLUMNS))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    yes_no = DataValidation(type="list", formula1='"no,yes"', allow_blank=True)
    recommend = DataValidation(
        type="list", formula1='"' + ",".join(RECOMMENDATIONS) + '"', allow_blank=True
    )
    sheet.add_data_validation(yes_no)
    sheet.add_data_validation(recommend)
    scales: dict[tuple[int, int], DataValidation] = {}
    for app in packet.applications:
        answers = (work or {}).get(app.id, ApplicationWork())
        reason = answers.conflict_reason
        if answers.conflict == "yes" and answers.conflict_kind:
            reason = f"{answers.conflict_kind}: {reason}"
        sheet.append([app.reference, CONFLICT_ROW, answers.conflict or "", reason])
        yes_no.add(f"C{sheet.max_row}")
        for c in packet.criteria:
            sheet.append(
                [
                    app.reference,
                    c.name,
                    answers.scores.get(c.code),
                    answers.comments.get(c.code, ""),
                ]
            )
            key = (c.scale_min, c.scale_max)
            if key not in scales:
                scales[key] = DataValidation(
                    type="whole", operator="between", formula1=str(key[0]), formula2=str(key[1])
                )
                scales[key].error = f"A score from {key[0]} to {key[1]}"
                sheet.add_data_validation(scales[key])
            scales[key].add(f"C{sheet.max_row}")
        sheet.append(
            [
                app.reference,
                RECOMMENDATION_ROW,
                answers.recommendation or "",
                answers.overall_comment,
            ]
        )
        recommend.add(f"C{sheet.max_row}")
    for column, width in zip("ABCD", (22, 34, 22, 80), strict=True):
        sheet.column_dimensions[column].width = width
    for row in sheet.iter_rows(min_row=2, min_col=4, max_col=4):
        row[0].alignment = Alignment(wrap_text=True, vertical="top")

    guide = book.create_sheet("Guide")
    guide.append([f"Scoring sheet of {packet.reviewer_name} for {packet.round_name}"])
    guide["A1"].font = Font(bold=True)
    if packet.deadline:
        guide.append([f"Send your scores back by {packet.deadline.isoformat()}."])
    guide.append(
        [
            "For each application: first answer 'conflict of interest' with yes or no (if yes, "
            "give the reason in the comment, starting with its kind, e.g. 'personal: ...', and "
            "leave the scores empty); then score each criterion and choose the overall "
            "recommendation (fund, fund with conditions, do not fund)."
        ]
    )
    guide.append([])
    guide.append(["criterion", "weight", "level", "what the level means"])
    for cell in guide[guide.max_row]:
        cell.font = Font(bold=True)
    for c in packet.criteria:
        for level, text in c.levels_in_order():
            guide.append([c.name, f"{c.weight_percent} %", level, text])
    guide.append([])
    guide.append(["application", "title", "applicant"])
    for cell in guide[guide.max_row]:
        cell.font = Font(bold=True)
    for app in packet.applications:
        guide.append([app.reference, app.title, app.applicant])
    guide.column_dimensions["A"].width = 34
    guide.column_dimensions["B"].width = 50
    guide.column_dimensions["D"].width = 90
    try:
        book.save(target)
    except OSError as exc:
        raise WorkflowError(
            f"The scoring sheet {target} cannot be written: {exc.strerror}."
        ) from None
    return target


def load_sheet(packet: Packet, path: str | Path) -> dict[int, ApplicationWork]:
    """Read a filled scoring sheet, checked like the form; SheetErrors names each wrong row."""
    from openpyxl import load_workbook

    source = Path(path)
    try:
        if source.stat().st_size > MAX_SHEET_BYTES:
            raise WorkflowError(f"{source.name} is too large to be a scoring sheet.")
        book = load_workbook(source, read_only=True, data_only=True)
    except WorkflowError:
        raise
    except FileNotFoundError:
        raise WorkflowError(f"The scoring sheet {source.name} does not exist.") from None
    except Exception:  # openpyxl raises many kinds for a file that is not a workbook
        raise WorkflowError(
            f"{source.name} is not a scoring sheet: it cannot be read as an Excel workbook."
        ) from None
    try:
        if "Scores" not in book.sheetnames:
            raise WorkflowError(f"{source.name} has no sheet named 'Scores'.")
        rows = list(book["Scores"].iter_rows(values_only=True))
    finally:
        book.close()
    if not rows or [str(v or "").strip().casefold() for v in rows[0][:4]] != list(SHEET_COLUMNS):
        raise WorkflowError(
            f"The first row of {source.name} must be the headings " + ", ".join(SHEET_COLUMNS) + "."
        )
    by_name = {c.name.casefold(): c for c in packet.criteria}
    by_name.update({c.code.casefold(): c for c in packet.criteria})
    problems: list[str] = []
    work: dict[int, ApplicationWork] = {}
    seen: dict[tuple[int, str], int] = {}
    conflict_rows: dict[int, int] = {}
    score_rows: dict[int, list[int]] = {}
    for number, row in enumerate(rows[1:], start=2):
        cells = list(row[:4]) + [None] * (4 - len(row[:4]))
        reference, criterion, score, comment = cells
        if all(v is None or str(v).strip() == "" for v in cells):
            continue
        text_ref = str(reference or "").strip()
        app = packet.by_reference(text_ref)
        if app is None:
            problems.append(
                f"Row {number}: '{text_ref}' is not one of the applications in your packet."
                if text_ref
                else f"Row {number}: the reference is empty."
            )
            continue
        answers = work.setdefault(app.id, ApplicationWork())
        name = str(criterion or "").strip().casefold()
        comment_text = "" if comment is None else str(comment).strip()
        key = (app.id, name)
        if key in seen:
            problems.append(
                f"Row {number}: {app.reference} '{criterion}' is already on row {seen[key]}."
            )
            continue
        seen[key] = number
        if name == CONFLICT_ROW:
            _sheet_conflict(number, app, score, comment_text, answers, problems)
            conflict_rows[app.id] = number
        elif name == RECOMMENDATION_ROW:
            value = str(score or "").strip().casefold()
            if value and value not in RECOMMENDATIONS:
                problems.append(
                    f"Row {number}: the recommendation for {app.reference} must be fund, "
                    "fund with conditions or do not fund."
                )
            answers.recommendation = value or None
            answers.overall_comment = comment_text
            if value or comment_text:
                score_rows.setdefault(app.id, []).append(number)
        elif name in by_name:
            c = by_name[name]
            level = _sheet_level(number, app, c, score, problems)
            if level is not None:
                answers.scores[c.code] = level
            if comment_text:
                answers.comments[c.code] = comment_text
            if level is not None or comment_text:
                score_rows.setdefault(app.id, []).append(number)
        else:
            problems.append(
                f"Row {number}: '{criterion}' is not a criterion of the rubric "
                f"(nor '{CONFLICT_ROW}' or '{RECOMMENDATION_ROW}')."
            )
    for app_id, numbers in score_rows.items():
        answers = work[app_id]
        reference = packet.application(app_id).reference
        if answers.conflict is None:
            row = conflict_rows.get(app_id)
            where = f" (row {row})" if row else ""
            problems.append(
                f"Row {numbers[0]}: answer the conflict of interest for {reference}{where} "
                "before scoring it."
            )
        elif answers.conflict == "yes":
            problems.append(
                f"Row {numbers[0]}: you declared a conflict of interest on {reference}, so "
                "leave its scores and recommendation empty."
            )
    if problems:
        raise SheetErrors(problems)
    return work


def _sheet_conflict(
    number: int,
    app: PacketApplication,
    score: Any,
    comment: str,
    answers: ApplicationWork,
    problems: list[str],
) -> None:
    value = str(score or "").strip().casefold()
    if value in ("", "none"):
        return
    if value not in ("yes", "no"):
        problems.append(
            f"Row {number}: answer the conflict of interest for {app.reference} with yes or no."
        )
        return
    answers.conflict = value
    if value == "no":
        return
    kind, _, rest = comment.partition(":")
    if rest and kind.strip().casefold() in CONFLICT_KINDS:
        answers.conflict_kind = kind.strip().casefold()
        answers.conflict_reason = rest.strip()
    else:
        answers.conflict_kind = "other"
        answers.conflict_reason = comment
    if not answers.conflict_reason:
        problems.append(
            f"Row {number}: say in the comment what your conflict of interest on "
            f"{app.reference} is."
        )


def _sheet_level(
    number: int, app: PacketApplication, c: RubricCriterion, score: Any, problems: list[str]
) -> int | None:
    if score is None or (isinstance(score, str) and not score.strip()):
        return None
    level: int | None = None
    if isinstance(score, bool):
        level = None
    elif isinstance(score, int):
        level = score
    elif isinstance(score, float) and score.is_integer():
        level = int(score)
    elif isinstance(score, str) and score.strip().lstrip("-").isdigit():
        level = int(score.strip())
    if level is None or not c.scale_min <= level <= c.scale_max:
        problems.append(
            f"Row {number}: the score of {app.reference} for '{c.name}' must be a whole number "
            f"from {c.scale_min} to {c.scale_max}, not '{score}'."
        )
        return None
    return level

"""Reviewer mode without Qt: a reviewer's work on one packet, autosaved, and the scoring sheet.

The reviewer's answers live in an autosave file in the user-data folder, keyed by the packet's
id (`reviews/<packet id>.json`), written atomically (a temporary file, flushed to disk, then
renamed over the old one) on every change: if the laptop dies, at most the keystroke being
typed is lost. Scoring an application unlocks only once its conflict-of-interest question is
answered "no". `write_scores_file` writes the signed file of every finished application.

The scoring sheet (XLSX) has one row per application and criterion with the columns
`reference`, `criterion`, `score`, `comment`, a row per application for the conflict of interest
(score yes/no, comment the reason, optionally starting with its kind: "personal: ...") and one
for the overall recommendation (score fund / fund with conditions / do not fund, comment the
overall comment). `load_sheet` checks it like the form and names sheet rows in its sentences.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from .. import WorkflowError
from .review_packets import Packet, PacketApplication, RubricCriterion, read_packet
from .scores_file import (
    CONFLICT_KINDS,
    RECOMMENDATIONS,
    SCORES_FORMAT,
    SCORES_SUFFIX,
    SCORES_VERSION,
    encode_scores,
    timestamp,
)

AUTOSAVE_VERSION = 1
CONFLICT_ROW = "conflict of interest"
RECOMMENDATION_ROW = "overall recommendation"
SHEET_COLUMNS = ("reference", "criterion", "score", "comment")
MAX_SHEET_BYTES = 20 * 1024 * 1024
NOT_STARTED, CONFLICT, IN_PROGRESS, COMPLETE = (
    "not started",
    "conflict declared",
    "in progress",
    "complete",
)


class SheetErrors(WorkflowError):
    """A scoring sheet with mistakes: one sentence per mistake, each naming its sheet row."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = list(problems)
        more = len(self.problems) - 1
        first = self.problems[0] if self.problems else "The scoring sheet has mistakes."
        suffix = f" (and {more} more mistake{'s' if more > 1 else ''})" if more > 0 else ""
        super().__init__(first.rstrip(".") + suffix + ".")


@dataclass
class ApplicationWork:
    """A reviewer's answers on one application."""

    conflict: str | None = None  # None: not answered; "yes" or "no"
    conflict_kind: str = ""
    conflict_reason: str = ""
    scores: dict[str, int] = field(default_factory=dict)  # criterion code -> level
    comments: dict[str, str] = field(default_factory=dict)
    recommendation: str | None = None
    overall_comment: str = ""

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ApplicationWork:
        """Back from the autosave file's JSON."""
        return cls(
            conflict=data.get("conflict"),
            conflict_kind=str(data.get("conflict_kind", "")),
            conflict_reason=str(data.get("conflict_reason", "")),
            scores={str(k): int(v) for k, v in dict(data.get("scores", {})).items()},
            comments={str(k): str(v) for k, v in dict(data.get("comments", {})).items()},
            recommendation=data.get("recommendation"),
            overall_comment=str(data.get("overall_comment", "")),
        )


def status_of(work: ApplicationWork, criteria: list[RubricCriterion]) -> str:
    """Where the reviewer is with one application: not started, conflict, in progress, complete."""
    if work.conflict == "yes":
        return CONFLICT if work.conflict_kind and work.conflict_reason.strip() else IN_PROGRESS
    if work.conflict is None:
        return NOT_STARTED
    required = [c.code for c in criteria if c.required]
    if all(code in work.scores for code in required) and work.recommendation in RECOMMENDATIONS:
        return COMPLETE
    return IN_PROGRESS


def problems_of(work: ApplicationWork, criteria: list[RubricCriterion]) -> list[str]:
    """What is still missing before an application is finished, one sentence each."""
    if work.conflict is None:
        return ["Answer the conflict-of-interest question first."]
    if work.conflict == "yes":
        found = []
        if work.conflict_kind not in CONFLICT_KINDS:
            found.append("Choose the kind of conflict.")
        if not work.conflict_reason.strip():
            found.append("Say in a few words what the conflict is.")
        return found
    found = [f"Score '{c.name}'." for c in criteria if c.required and c.code not in work.scores]
    if work.recommendation not in RECOMMENDATIONS:
        found.append("Choose an overall recommendation.")
    return found


class ReviewerSession:
    """One reviewer's work on one packet, saved to its autosave file on every change."""

    def __init__(
        self,
        packet: Packet,
        autosave_path: Path | None,
        work: dict[int, ApplicationWork] | None = None,
    ) -> None:
        self.packet = packet
        self.autosave_path = autosave_path
        self.work: dict[int, ApplicationWork] = {
            a.id: ApplicationWork() for a in packet.applications
        }
        self.work.update({k: v for k, v in (work or {}).items() if k in self.work})
        self.revision = 0
        self.notice = ""  # something the reviewer should be told on opening
        self._criteria = {c.code: c for c in packet.criteria}

    # -- opening and saving ------------------------------------------------------------------
    @classmethod
    def open(
        cls, packet_path: str | Path, *, autosave_dir: str | Path | None = None
    ) -> ReviewerSession:
        """Open a packet and the reviewer's saved work on it (in the user-data folder)."""
        packet = read_packet(packet_path)
        if autosave_dir is None:
            from ...settings import data_dir

            autosave_dir = data_dir() / "reviews"
        folder = Path(autosave_dir)
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise WorkflowError(
                f"The folder {folder} for saving your work cannot be made: {exc.strerror}."
            ) from None
        session = cls(packet, folder / f"{packet.packet_uid}.json")
        session._load_autosave()
        return session

    def _load_autosave(self) -> None:
        path = self.autosave_path
        if path is None or not path.exists():
            return
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.get("packet_id") != self.packet.packet_uid:
                raise ValueError("another packet")
            work = {int(k): ApplicationWork.from_json(v) for k, v in data["applications"].items()}
            revision = int(data.get("revision", 0))
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            aside = path.with_suffix(".damaged.json")
            os.replace(path, aside)
            self.notice = (
                f"Your saved work could not be read and was put aside as {aside.name}; "
                "you start again from an empty form."
            )
            return
        for app_id, answers in work.items():
            if app_id in self.work:
                self.work[app_id] = answers
        self.revision = revision

    def save(self) -> None:
        """Write the work to the autosave file atomically (nothing if there is no file)."""
        self.revision += 1
        if self.autosave_path is None:
            return
        data = {
            "autosave_version": AUTOSAVE_VERSION,
            "packet_id": self.packet.packet_uid,
            "revision": self.revision,
            "applications": {str(k): asdict(v) for k, v in self.work.items()},
        }
        write_atomically(
            self.autosave_path, json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8")
        )

    # -- answers -----------------------------------------------------------------------------
    def _app(self, application_id: int) -> ApplicationWork:
        if application_id not in self.work:
            raise WorkflowError("That application is not in your packet.")
        return self.work[application_id]

    def set_conflict(
        self, application_id: int, answer: str | None, *, kind: str = "", reason: str = ""
    ) -> None:
        """Answer the conflict-of-interest question: "yes" (with kind and reason) or "no"."""
        if answer not in (None, "yes", "no"):
            raise WorkflowError("Answer the conflict-of-interest question with yes or no.")
        if kind and kind not in CONFLICT_KINDS:
            raise WorkflowError(f"'{kind}' is not a kind of conflict.")
        work = self._app(application_id)
        work.conflict = answer
        work.conflict_kind = kind if answer == "yes" else ""
        work.conflict_reason = reason if answer == "yes" else ""
        self.save()

    def _scorable(self, application_id: int) -> ApplicationWork:
        work = self._app(application_id)
        if work.conflict != "no":
            raise WorkflowError(
                "Answer the conflict-of-interest question with 'no' before scoring this "
                "application."
            )
        return work

    def set_score(self, application_id: int, code: str, level: int | None) -> None:
        """Score one criterion (None clears it); only once the conflict question says no."""
        work = self._scorable(application_id)
        criterion = self._criteria.get(code)
        if criterion is None:
            raise WorkflowError(f"'{code}' is not a criterion of the rubric.")
        if level is None:
            work.scores.pop(code, None)
        elif not criterion.scale_min <= level <= criterion.scale_max:
            raise WorkflowError(
                f"The score for '{criterion.name}' must be from {criterion.scale_min} to "
                f"{criterion.scale_max}."
            )
        else:
            work.scores[code] = level
        self.save()

    def set_comment(self, application_id: int, code: str, text: str) -> None:
        """The comment on one criterion."""
        work = self._scorable(application_id)
        if code not in self._criteria:
            raise WorkflowError(f"'{code}' is not a criterion of the rubric.")
        work.comments[code] = text
        self.save()

    def set_recommendation(
        self, application_id: int, recommendation: str | None, comment: str | None = None
    ) -> None:
        """The overall recommendation (fund / fund with conditions / do not fund) and comment."""
        work = self._scorable(application_id)
        if recommendation is not None and recommendation not in RECOMMENDATIONS:
            raise WorkflowError("Choose fund, fund with conditions or do not fund.")
        work.recommendation = recommendation
        if comment is not None:
            work.overall_comment = comment
        self.save()

    def set_overall_comment(self, application_id: int, text: str) -> None:
        """The overall comment on an application."""
        self._scorable(application_id).overall_comment = text
        self.save()

    def replace_work(self, work: dict[int, ApplicationWork]) -> None:
        """Take the answers of a loaded scoring sheet for the applications it holds."""
        for app_id, answers in work.items():
            self._app(app_id)
            self.work[app_id] = answers
        self.save()

    # -- where the reviewer is ---------------------------------------------------------------
    def status(self, application_id: int) -> str:
        """not started, conflict declared, in progress or complete."""
        return status_of(self._app(application_id), self.packet.criteria)

    def problems(self, application_id: int) -> list[str]:
        """What is missing before this application is finished."""
        return problems_of(self._app(application_id), self.packet.criteria)

    def progress(self) -> tuple[int, int]:
        """(finished applications, applications in the packet)."""
        done = sum(1 for a in self.packet.applications if self.status(a.id) in (COMPLETE, CONFLICT))
        return done, len(self.packet.applications)

    # -- the scores file ---------------------------------------------------------------------
    def payload(self, written_at: datetime) -> dict[str, Any]:
        """The scores file's payload: every finished application."""
        entries = []
        for app in self.packet.applications:
            state = self.status(app.id)
            if state not in (COMPLETE, CONFLICT):
                continue
            work = self.work[app.id]
            declared = state == CONFLICT
            entries.append(
                {
                    "application_id": app.id,
                    "reference": app.reference,
                    "conflict": {
                        "declared": declared,
                        "kind": work.conflict_kind if declared else None,
                        "reason": work.conflict_reason.strip() if declared else None,
                    },
                    "scores": []
                    if declared
                    else [
                        {
                            "criterion": c.code,
                            "score": work.scores[c.code],
                            "comment": work.comments.get(c.code, "").strip(),
                        }
                        for c in self.packet.criteria
                        if c.code in work.scores
                    ],
                    "recommendation": None if declared else work.recommendation,
                    "comment": "" if declared else work.overall_comment.strip(),
                }
            )
        return {
            "format": SCORES_FORMAT,
            "version": SCORES_VERSION,
            "packet_id": self.packet.packet_uid,
            "round_id": self.packet.round_id,
            "reviewer_id": self.packet.reviewer_id,
            "written_at": timestamp(written_at),
            "applications": entries,
        }

    def write_scores_file(self, out: str | Path, *, now: datetime) -> tuple[Path, int, int]:
        """Write the signed scores file; returns (path, finished applications, all of them)."""
        payload = self.payload(now)
        done, total = len(payload["applications"]), len(self.packet.applications)
        if not done:
            raise WorkflowError(
                "No application is finished yet: answer the conflict question, score every "
                "criterion and choose a recommendation first."
            )
        target = Path(out)
        if target.suffix.lower() != SCORES_SUFFIX:
            target = target.with_name(target.name + SCORES_SUFFIX)
        try:
            write_atomically(target, encode_scores(payload, self.packet.signing_secret))
        except OSError as exc:
            raise WorkflowError(
                f"The scores file {target} cannot be written: {exc.strerror}."
            ) from None
        return target, done, total

    def default_scores_name(self) -> str:
        """A file name for the reviewer's scores file."""
        from .review_packets import packet_file_name

        return packet_file_name(self.packet).removesuffix(".usrgpacket") + SCORES_SUFFIX


def write_atomically(path: Path, data: bytes) -> None:
    """Write bytes to a temporary file beside `path`, flush it to disk, rename it over `path`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


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

"""A reviewer's work on one packet, autosaved on every change, and the scores file made from it.

The reviewer's answers live in an autosave file in the user-data folder, keyed by the packet's
id (`reviews/<packet id>.json`), written atomically (a temporary file, flushed to disk, then
renamed over the old one) on every change: if the laptop dies, at most the keystroke being
typed is lost. `ReviewerSession.write_scores_file` writes the signed file of every finished
application.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import asdict
from datetime import datetime
from pathlib import Path
from typing import Any

from .. import WorkflowError
from .review_packet_contents import Packet
from .review_packet_reading import read_packet
from .reviewer_work import COMPLETE, CONFLICT, ApplicationWork, problems_of, status_of
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

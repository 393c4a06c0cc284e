"""The demo's reviews: assignments, conflicts, review packets, scores files and scores."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from typing import Any

from ...domain.grants import ApplicationState as S
from ...domain.reviews import Recommendation
from .base import BuilderBase
from .names import _CONFLICT_REASONS
from .plan import _DAY, _REVIEWED_OR_LATER, _App
from .texts import _REVIEW_COMMENTS, _SCORE_COMMENTS


class ReviewsBuilder(BuilderBase):
    """Reviews: each round's assignments, conflicts, packets, scores files and scores."""

    # -- review ---------------------------------------------------------------------------------
    def build_reviews(self) -> None:
        rng = self.rng
        for rp in self.rounds:
            load = dict.fromkeys(self.reviewer_ids, 0)
            batch_day = rp.closes_on + timedelta(days=22)
            packet_day = rp.closes_on + timedelta(days=24)
            review_end = (
                self.today - timedelta(days=10) if rp.is_current else (rp.review_deadline - _DAY)
            )
            in_review = [a for a in rp.apps if a.screened and a.ineligible is None]
            n_conflicts = (
                2
                if self.scale.applications_per_round == 0 and rp.is_current
                else (0 if self.scale.applications_per_round == 0 else len(in_review) // 150)
            )
            open_to_conflict = [a.id for a in in_review if a.target != S.WITHDRAWN]
            conflict_apps = set(
                rng.sample(open_to_conflict, min(n_conflicts, len(open_to_conflict)))
            )
            assignments: list[dict[str, Any]] = []
            for app in in_review:
                candidates = [
                    r
                    for r in self.reviewer_ids
                    if (app.city_id not in self.reviewer_cities[r])
                    and (app.body_id not in self.reviewer_bodies[r])
                ]
                rng.shuffle(candidates)
                candidates.sort(key=load.__getitem__)  # least loaded first; shuffle breaks ties
                chosen = candidates[:3]
                for r in chosen:
                    load[r] += 1
                    row: dict[str, Any] = {
                        "id": self.new_id("assignments"),
                        "application_id": app.id,
                        "reviewer_id": r,
                        "method": "automatic",
                        "status": "assigned",
                        "assigned_at": self.at(batch_day, 6, 7),
                        "recommendation": None,
                        "overall_comment": "",
                        "scored_at": None,
                        "scores_import_id": None,
                    }
                    assignments.append(row)
                    app.assignment_ids[r] = row["id"]
                app.reviewers = list(chosen)
                if app.id in conflict_apps:
                    gone = rng.choice(chosen)
                    kind, reason = rng.choice(_CONFLICT_REASONS)
                    declared = self.at(packet_day + timedelta(days=rng.randint(1, 2)))
                    self.add(
                        "conflicts",
                        reviewer_id=gone,
                        application_id=app.id,
                        kind=kind,
                        reason=reason,
                        declared_at=declared,
                    )
                    for row in assignments[-3:]:
                        if row["reviewer_id"] == gone:
                            row["status"] = "conflict"
                    replacement = candidates[3]
                    load[replacement] += 1
                    row = {
                        "id": self.new_id("assignments"),
                        "application_id": app.id,
                        "reviewer_id": replacement,
                        "method": "manual",
                        "status": "assigned",
                        "assigned_at": declared + timedelta(days=1),
                        "recommendation": None,
                        "overall_comment": "",
                        "scored_at": None,
                        "scores_import_id": None,
                    }
                    assignments.append(row)
                    app.assignment_ids[replacement] = row["id"]
                    app.reviewers = [r for r in chosen if r != gone] + [replacement]
            # Who scored what: everything decided was fully reviewed, in review only in part.
            for app in in_review:
                if app.target in _REVIEWED_OR_LATER or app.target == "funded":
                    app.scored_by = list(app.reviewers)
                elif app.target == S.IN_REVIEW:
                    app.scored_by = rng.sample(app.reviewers, rng.choice((0, 1, 1, 2, 2)))
            # One packet per reviewer with work in the round; one scores file back from each.
            by_id = {row["id"]: row for row in assignments}
            packets: dict[int, int] = {}
            exports: dict[int, datetime] = {}
            imports: dict[int, int] = {}
            for r in self.reviewer_ids:
                if not load[r]:
                    continue
                uid = rng.randbytes(16).hex()
                packets[r] = self.add(
                    "review_packets",
                    round_id=rp.id,
                    reviewer_id=r,
                    packet_uid=uid,
                    signing_secret=rng.randbytes(32).hex(),
                    issued_at=self.at(packet_day),
                )
                first = rp.closes_on + timedelta(days=30)
                day = first + timedelta(days=rng.randint(0, max(0, (review_end - first).days)))
                exports[r] = self.at(day)
            for app in in_review:
                for r in app.scored_by:
                    if r not in imports:
                        exported = exports[r]
                        imports[r] = self.add(
                            "scores_imports",
                            packet_id=packets[r],
                            file_sha256=hashlib.sha256(
                                f"{packets[r]}:{exported.isoformat()}".encode()
                            ).hexdigest(),
                            exported_at=exported,
                            imported_at=exported + timedelta(hours=2),
                            imported_by_user_id=self.staff_id,
                            superseded=False,
                        )
                    self._score(app, by_id[app.assignment_ids[r]], exports[r], imports[r])
                if app.target in _REVIEWED_OR_LATER or app.target == "funded":
                    last = max(exports[r] for r in app.scored_by) + timedelta(hours=2)
                    app.reviewed = self.at(last.date() + timedelta(days=rng.randint(1, 3)))
            self.rows["assignments"].extend(assignments)

    def _score(
        self, app: _App, assignment: dict[str, Any], exported: datetime, import_id: int
    ) -> None:
        rng = self.rng
        bias = self.severity[assignment["reviewer_id"]]
        total = weights = 0
        for crit in self.criteria:
            value = round(app.quality + bias + rng.gauss(0, 0.55))
            value = max(crit.scale_min, min(crit.scale_max, value))
            total += value * crit.weight_percent
            weights += crit.weight_percent
            comment = _SCORE_COMMENTS.get(value, "") if rng.random() < 0.25 else ""
            self.add(
                "scores",
                assignment_id=assignment["id"],
                criterion_id=crit.id,
                score=value,
                comment=comment,
            )
        mean = total / weights
        recommendation = (
            Recommendation.FUND
            if mean >= 3.9
            else Recommendation.FUND_WITH_CONDITIONS
            if mean >= 3.0
            else Recommendation.DO_NOT_FUND
        ).value
        assignment.update(
            status="scored",
            recommendation=recommendation,
            overall_comment=rng.choice(_REVIEW_COMMENTS[recommendation]),
            scored_at=exported - timedelta(minutes=rng.randint(20, 600)),
            scores_import_id=import_id,
        )

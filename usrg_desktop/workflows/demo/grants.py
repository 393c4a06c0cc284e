"""The demo's funding rounds and their applications: budgets, attachments, screening."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from datetime import timedelta
from typing import Any

from dateutil.relativedelta import relativedelta

from ...domain.grants import ApplicationState as S
from .base import BuilderBase
from .plan import (
    _DAY,
    _FUNDED,
    _LARGE_CURRENT,
    _LARGE_PAST,
    _SMALL_CURRENT,
    _SMALL_PAST,
    CAP_CENTS,
    _App,
    _pdf,
    _RoundPlan,
    _set,
)
from .texts import (
    _BODY_PROJECT_THEMES,
    _BODY_PROJECTS,
    _BUDGET_ITEMS,
    _INELIGIBLE,
    _PROJECT_THEMES,
    _PROJECTS,
    _ROUND_THEMES,
    _SCREENING_CHECKS,
)


class GrantsBuilder(BuilderBase):
    """Rounds and applications: the plan of each round and every application's rows."""

    # -- rounds --------------------------------------------------------------------------------
    def plan_rounds(self) -> None:
        sc, rng = self.scale, self.rng
        current_opens = (self.today - relativedelta(months=5)).replace(day=1)
        per_year: dict[int, int] = defaultdict(int)
        self.rounds: list[_RoundPlan] = []
        admissible = [
            self.body_by_name[n] for n in ("SALGA", "CSPS", "DSD") if n in self.body_by_name
        ]
        for k in range(sc.rounds - 1, -1, -1):
            months_back = k * sc.months_between_rounds
            opens = current_opens - relativedelta(months=months_back)
            closes = opens + relativedelta(months=2) - _DAY
            current = k == 0
            deadline = self.today + timedelta(days=21) if current else closes + timedelta(days=42)
            per_year[opens.year] += 1
            number = per_year[opens.year]
            if sc.applications_per_round == 0:
                admitted = admissible[:2] if current else admissible[:1]
            else:
                admitted = sorted(rng.sample(admissible, min(len(admissible), rng.randint(1, 2))))
            self.rounds.append(
                _RoundPlan(
                    id=self.new_id("rounds"),
                    year=opens.year,
                    number=number,
                    name=f"Innovation Fund {opens.year} Round {number}",
                    opens_on=opens,
                    closes_on=closes,
                    review_deadline=deadline,
                    panel_on=None if current else deadline + timedelta(days=14),
                    created_at=self.at(opens - timedelta(days=30)),
                    admitted_body_ids=admitted,
                )
            )
        self.users_created = self.rounds[0].created_at - timedelta(days=30)

    def _targets(self, rp: _RoundPlan) -> list[S | str]:
        if self.scale.applications_per_round == 0:
            plan: list[tuple[Any, float]] = list(_SMALL_CURRENT if rp.is_current else _SMALL_PAST)
            targets = [state for state, n in plan for _ in range(int(n))]
        else:
            n = self.scale.applications_per_round
            shares = _LARGE_CURRENT if rp.is_current else _LARGE_PAST
            counts = [int(share * n) for _, share in shares]
            counts[max(range(len(counts)), key=lambda i: shares[i][1])] += n - sum(counts)
            targets = [
                state for (state, _), c in zip(shares, counts, strict=True) for _ in range(c)
            ]
        self.rng.shuffle(targets)
        return targets

    def build_rounds(self) -> None:
        self.theme_ids: dict[int, list[int]] = {}
        for rp in self.rounds:
            for position, label in enumerate(_SCREENING_CHECKS, start=1):
                rp.check_ids.append(
                    self.add("screening_checks", round_id=rp.id, position=position, label=label)
                )
            self.theme_ids[rp.id] = [
                self.add("round_themes", round_id=rp.id, position=position, label=label)
                for position, label in enumerate(_ROUND_THEMES, start=1)
            ]
            for body_id in rp.admitted_body_ids:
                self.add("round_admitted_bodies", round_id=rp.id, body_id=body_id)
            self._plan_applications(rp)

    # -- applications --------------------------------------------------------------------------
    def _plan_applications(self, rp: _RoundPlan) -> None:
        rng = self.rng
        targets = self._targets(rp)
        n_body = max(1, round(0.08 * len(targets))) if rp.admitted_body_ids else 0
        body_slots = set(rng.sample(range(len(targets)), n_body))
        city_ids = [c.id for c in self.cities]
        apps: list[_App] = []
        for i, target in enumerate(targets):
            app = _App(round=rp, target=target)
            if i in body_slots:
                app.body_id = rng.choice(rp.admitted_body_ids)
                app.contact_id = rng.choice(self.body_focal.get(app.body_id) or [None])
            else:
                app.city_id = rng.choice(city_ids)
                app.contact_id = rng.choice(self.city_people[app.city_id])
            if target == S.WITHDRAWN:
                app.prior = rng.choice((S.SUBMITTED, S.SCREENING, S.IN_REVIEW))
            # R 80 000 to R 400 000: round sums, or quotes with VAT down to the cent.
            if rng.random() < 0.5:
                app.requested = rng.randint(160, 800) * 500_00
            else:
                app.requested = rng.randint(80_000_00, CAP_CENTS)
            if target == "funded" or target in _FUNDED:
                app.quality = rng.uniform(3.7, 4.7)
            elif target == S.DECLINED:
                app.quality = rng.uniform(1.8, 3.3)
            else:
                app.quality = rng.uniform(2.2, 4.5)
            self._early_timeline(app)
            apps.append(app)
        apps.sort(key=lambda a: _set(a.created))  # ids follow the order people created them in
        for app in apps:
            app.id = self.new_id("applications")
        sequence = 0
        for app in sorted((a for a in apps if a.submitted), key=lambda a: _set(a.submitted)):
            sequence += 1
            app.sequence = sequence
        rp.last_sequence = sequence
        rp.apps = apps

    def _reaches(self, app: _App, state: S) -> bool:
        """Whether the application went through `state` on its way to where it is."""
        order = [S.DRAFT, S.SUBMITTED, S.SCREENING, S.IN_REVIEW, S.REVIEWED]
        target = app.prior if app.target == S.WITHDRAWN else app.target
        if target == S.INELIGIBLE:
            return state in (S.DRAFT, S.SUBMITTED, S.SCREENING)
        if target in order:
            return order.index(state) <= order.index(target)  # type: ignore[arg-type]
        return True  # decided: went through every step of the review

    def _early_timeline(self, app: _App) -> None:
        rng, rp = self.rng, app.round
        span = (rp.closes_on - rp.opens_on).days
        app.created = self.at(rp.opens_on + timedelta(days=rng.randint(0, span - 5)))
        if self._reaches(app, S.SUBMITTED):
            day = min(app.created.date() + timedelta(days=rng.randint(1, 14)), rp.closes_on)
            app.submitted = self.at(day)
        if self._reaches(app, S.SCREENING):
            app.screening = self.at(rp.closes_on + timedelta(days=rng.randint(1, 8)))
            if app.target == S.INELIGIBLE or self._reaches(app, S.IN_REVIEW):
                app.screened = self.at(app.screening.date() + timedelta(days=rng.randint(2, 12)))
        if app.target == S.INELIGIBLE:
            app.ineligible = rng.choice(_INELIGIBLE)

    def write_applications(self) -> None:
        rng = self.rng
        self.app_row: dict[int, dict[str, Any]] = {}
        for rp in self.rounds:
            deck: list[int] = []  # each project idea once before any repeats within a round
            for app in rp.apps:
                if app.body_id is not None:
                    idea = rng.choice(_BODY_PROJECTS)
                    title, summary, problem, intervention = idea
                    theme = _BODY_PROJECT_THEMES[_BODY_PROJECTS.index(idea)]
                    place, city = "the member cities", "the member cities"
                else:
                    if not deck:
                        deck = list(range(len(_PROJECTS)))
                        rng.shuffle(deck)
                    n = deck.pop()
                    title, summary, problem, intervention = _PROJECTS[n]
                    theme = _PROJECT_THEMES[n]
                    facts = self.city_facts[app.city_id]
                    place = rng.choice(facts.places)
                    city = self.city_name[app.city_id].removeprefix("City of ")
                starts, ends = self._project_dates(app)
                seq = app.sequence
                ref = f"USRG-IF-{rp.year}-{rp.number}-{seq:03d}" if seq else None
                app.reference = ref
                app.title = title.format(place=place, city=city)
                self.add(
                    "applications",
                    id=app.id,
                    round_id=rp.id,
                    reference=ref,
                    sequence=seq,
                    applicant_city_id=app.city_id,
                    applicant_body_id=app.body_id,
                    title=app.title,
                    summary=summary.format(place=place, city=city),
                    problem=problem.format(place=place, city=city),
                    intervention=intervention.format(place=place, city=city),
                    requested_cents=app.requested,
                    starts_on=starts,
                    ends_on=ends,
                    contact_person_id=app.contact_id,
                    theme_id=self.theme_ids[rp.id][theme],
                    state="",
                    state_changed_at=None,
                    created_at=app.created,
                    withdrawn_reason="",
                )
                self.app_row[app.id] = self.rows["applications"][-1]
                self._budget_lines(app)
                self._attachments(app, ref)
                self._screening_results(app)

    def _budget_lines(self, app: _App) -> None:
        rng = self.rng
        items = rng.sample(_BUDGET_ITEMS, rng.randint(2, 5))
        # Cut points in whole R 100s; the last line takes what is left, so lines add up exactly.
        units = app.requested // 100_00
        cuts = sorted(rng.sample(range(1, units), len(items) - 1))
        bounds = [0, *cuts, units]
        amounts = [(bounds[i + 1] - bounds[i]) * 100_00 for i in range(len(items))]
        amounts[-1] += app.requested - sum(amounts)
        for position, (item, amount) in enumerate(zip(items, amounts, strict=True), start=1):
            self.add(
                "budget_lines",
                application_id=app.id,
                position=position,
                description=item,
                amount_cents=amount,
            )

    def _attachments(self, app: _App, reference: str | None) -> None:
        label = reference or "draft"
        files: list[tuple[str, str, str, bytes]] = []
        if app.submitted or self.rng.random() < 0.5:
            pdf = _pdf(
                [
                    f"USRG innovation fund proposal {label}",
                    app.title,
                    "Proposal narrative and work plan.",
                ]
            )
            files.append(("proposal", f"proposal-{label}.pdf", "application/pdf", pdf))
        if app.submitted:
            lines = self._last_lines(app.id)
            csv_text = "position,description,amount_rand\r\n" + "".join(
                f'{r["position"]},"{r["description"]}",{r["amount_cents"] / 100:.2f}\r\n'
                for r in lines
            )
            files.append(("budget", f"budget-{label}.csv", "text/csv", csv_text.encode()))
            if self.rng.random() < 0.3:
                pdf = _pdf(
                    [f"Letter of support for {label}", "The department supports this application."]
                )
                files.append(("letter of support", f"support-{label}.pdf", "application/pdf", pdf))
        for k, (kind, filename, media, content) in enumerate(files, start=1):
            self.add(
                "attachments",
                application_id=app.id,
                kind=kind,
                filename=filename,
                media_type=media,
                size_bytes=len(content),
                sha256=hashlib.sha256(content).hexdigest(),
                content=content,
                added_at=_set(app.created) + timedelta(minutes=10 * k),
            )

    def _last_lines(self, application_id: int) -> list[dict[str, Any]]:
        # The application's budget lines are the last ones added.
        lines = []
        for row in reversed(self.rows["budget_lines"]):
            if row["application_id"] != application_id:
                break
            lines.append(row)
        return lines[::-1]

    def _screening_results(self, app: _App) -> None:
        if app.screening is None:
            return
        rp, rng = app.round, self.rng
        if app.screened is None:  # still in screening (or withdrawn there): partly ticked
            ticked = rp.check_ids[: rng.randint(1, len(rp.check_ids) - 1)]
            for k, check_id in enumerate(ticked, start=1):
                when = app.screening + timedelta(minutes=20 * k)
                self.add(
                    "screening_results",
                    application_id=app.id,
                    check_id=check_id,
                    passed=True,
                    note="",
                    checked_by_user_id=self.staff_id,
                    checked_at=when,
                )
            return
        for index, check_id in enumerate(rp.check_ids):
            failed = app.ineligible is not None and app.ineligible[0] == index
            when = app.screened - timedelta(hours=1, minutes=5 * (len(rp.check_ids) - index))
            self.add(
                "screening_results",
                application_id=app.id,
                check_id=check_id,
                passed=not failed,
                note=app.ineligible[1] if failed else "",  # type: ignore[index]
                checked_by_user_id=self.staff_id,
                checked_at=when,
            )

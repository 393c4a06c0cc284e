"""The demo's decisions, awards (tranches and milestones), application history and letter
templates."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta

from dateutil.relativedelta import relativedelta

from ...domain.grants import ApplicationState as S
from ...money import format_zar
from ..awards.project_dates import next_working_day
from .base import BuilderBase
from .plan import _ACTION, _DAY, _FUNDED, CAP_CENTS, MIN_BUDGET_CENTS, _App, _RoundPlan
from .texts import (
    _APPROVE_REASONS,
    _CONDITIONS,
    _DECLINE_REASONS,
    _FEEDBACK,
    _LETTER_TEMPLATES,
    _WITHDRAWN_REASONS,
)


class AwardsBuilder(BuilderBase):
    """Decisions, awards and each application's history, and the letter templates."""

    # -- decisions, awards, history -----------------------------------------------------------
    def build_outcomes(self) -> None:
        award_numbers: dict[int, int] = defaultdict(int)
        for rp in self.rounds:
            decision_day = rp.panel_on or (self.today - timedelta(days=3))
            for app in rp.apps:
                if app.target == "funded":
                    app.target = self._funded_state(decision_day)
            funded = [a for a in rp.apps if a.target in _FUNDED]
            # A budget that covers the funded grants at R 300 000 each on average (in whole
            # R 500 000s, at least R 3 million); no grant gets more than an equal share of it,
            # so the round's commitments can never exceed its budget.
            rp.budget_cents = max(
                MIN_BUDGET_CENTS, -(-len(funded) * 300_000_00 // 500_000_00) * 500_000_00
            )
            share = rp.budget_cents // max(1, len(funded))
            unfinished = False
            for app in rp.apps:
                self._history(app, decision_day, share, award_numbers)
                unfinished |= app.target in (S.APPROVED, S.AWARDED, S.ACTIVE)
            rp.status = "reviewing" if rp.is_current else ("decided" if unfinished else "archived")
            self._round_rows(rp)

    def _funded_state(self, decision_day: date) -> S:
        """Where a funded application of the large demo stands today, given its panel date."""
        rng = self.rng
        # The latest dates _award can give, so that the state chosen here is always reachable.
        awarded = decision_day + timedelta(days=15)
        signed = awarded + timedelta(days=30)
        final_due = signed + relativedelta(months=12)
        if awarded >= self.yesterday:
            return S.APPROVED
        if signed >= self.yesterday:
            return S.AWARDED
        if self.today - decision_day < timedelta(days=300) and rng.random() < 0.12:
            return S.AWARDED  # the agreement is still with the city's legal department
        if final_due + timedelta(days=60) > self.today:
            return S.ACTIVE
        # A few final reports stay outstanding for a while; none for years.
        if self.today - final_due < timedelta(days=540) and rng.random() < 0.05:
            return S.ACTIVE
        return S.CLOSED

    def _history(
        self, app: _App, decision_day: date, share: int, award_numbers: dict[int, int]
    ) -> None:
        rng, rp = self.rng, app.round
        target: S = app.target  # type: ignore[assignment]
        events: list[tuple[S, datetime, str, str]] = [(S.DRAFT, app.created, "", "")]  # type: ignore[list-item]
        if app.submitted:
            events.append((S.SUBMITTED, app.submitted, "", ""))
        if app.screening:
            events.append((S.SCREENING, app.screening, "", ""))
        if app.screened:
            if app.ineligible:
                events.append((S.INELIGIBLE, app.screened, app.ineligible[1], ""))
            else:
                events.append((S.IN_REVIEW, app.screened, "", ""))
        if app.reviewed is not None:
            events.append((S.REVIEWED, app.reviewed, "", ""))
        if target == S.WITHDRAWN:
            last = events[-1][1]
            gap = (
                (rp.closes_on + timedelta(days=22 + rng.randint(2, 6)))
                if app.prior == (S.IN_REVIEW)
                else last.date() + timedelta(days=rng.randint(1, 6))
            )
            reason = rng.choice(_WITHDRAWN_REASONS)
            events.append((S.WITHDRAWN, self.at(min(gap, self.yesterday)), reason, ""))
        decided_at = self.at(decision_day, 6, 11)
        if target == S.DECLINED:
            reason = rng.choice(_DECLINE_REASONS)
            self.add(
                "decisions",
                application_id=app.id,
                outcome="declined",
                amount_cents=None,
                conditions="",
                reasons=reason,
                feedback=rng.choice(_FEEDBACK),
                decided_at=decided_at,
                decided_by_user_id=self.staff_id,
            )
            events.append((S.DECLINED, decided_at, reason, ""))
        if target in _FUNDED:
            amount = app.requested
            if rng.random() < 0.3:  # the panel trims some budgets, to whole R 1 000s
                amount = amount * rng.randint(80, 95) // 100 // 1_000_00 * 1_000_00
            amount = min(amount, share, CAP_CENTS)
            reason = rng.choice(_APPROVE_REASONS)
            conditions = rng.choice(_CONDITIONS) if rng.random() < 0.4 else ""
            self.add(
                "decisions",
                application_id=app.id,
                outcome="approved",
                amount_cents=amount,
                conditions=conditions,
                reasons=reason,
                feedback="",
                decided_at=decided_at,
                decided_by_user_id=self.staff_id,
            )
            events.append((S.APPROVED, decided_at, reason, f"amount {format_zar(amount)}"))
            if target != S.APPROVED:
                events.extend(self._award(app, amount, decision_day, award_numbers))
        # The history, as the state machine would have written it.
        previous: S | None = None
        for state, when, reason, detail in events:
            action = "create" if previous is None else _ACTION[state]
            self.log(
                when,
                entity="application",
                entity_id=app.id,
                action=action,
                from_state=previous.value if previous else None,
                to_state=state.value,
                reason=reason,
                detail=detail,
            )
            previous = state
        row = self.app_row[app.id]
        row["state"] = target.value
        row["state_changed_at"] = events[-1][1]
        if target == S.WITHDRAWN:
            row["withdrawn_reason"] = events[-1][2]

    def _award(
        self, app: _App, amount: int, decision_day: date, award_numbers: dict[int, int]
    ) -> list[tuple[S, datetime, str, str]]:
        rng, rp, target = self.rng, app.round, app.target
        events: list[tuple[S, datetime, str, str]] = []
        awarded_on = min(decision_day + timedelta(days=rng.randint(5, 15)), self.yesterday)
        award_numbers[rp.year] += 1
        number = f"USRG-AW-{rp.year}-{award_numbers[rp.year]:03d}"
        events.append((S.AWARDED, self.at(awarded_on), "", f"award {number}"))
        signed = None
        if target in (S.ACTIVE, S.CLOSED):
            signed = min(awarded_on + timedelta(days=rng.randint(10, 30)), self.yesterday)
            events.append((S.ACTIVE, self.at(signed), "", ""))
        # The first tranche is due at the signature (or when it is expected); the reports at the
        # project's middle and a month after its end, on working days (as project_dates does).
        base = signed or next_working_day(awarded_on + timedelta(days=30))
        starts, ends = self._project_dates(app)
        interim_due = next_working_day(starts + (ends - starts) // 2)
        final_due = next_working_day(ends + timedelta(days=30))
        last_ok = self.today - timedelta(days=2)
        paid: list[date | None] = [None, None, None]
        interim: list[date | None] = [None, None]  # received, accepted
        final: list[date | None] = [None, None]
        closed_on: date | None = None
        if target in (S.ACTIVE, S.CLOSED):
            assert signed is not None
            paid[0] = signed + timedelta(days=rng.randint(5, 20))
            if target == S.CLOSED or (interim_due <= last_ok and rng.random() < 0.8):
                received = max(
                    interim_due + timedelta(days=rng.randint(-14, 21)), signed + timedelta(days=30)
                )
                received = min(received, last_ok)
                interim[0] = received
                accepted = received + timedelta(days=rng.randint(3, 20))
                if target == S.CLOSED or accepted <= last_ok:
                    interim[1] = accepted
                    paid[1] = accepted + timedelta(days=rng.randint(5, 20))
            if target == S.CLOSED:
                accepted = min(
                    final_due + timedelta(days=rng.randint(-20, 25)),
                    self.today - timedelta(days=25),
                )
                interim_accepted = interim[1]
                assert interim_accepted is not None  # a grant that closes had it accepted above
                accepted = max(accepted, interim_accepted + timedelta(days=30))
                final = [accepted - timedelta(days=rng.randint(3, 15)), accepted]
                final_paid = accepted + timedelta(days=rng.randint(5, 20))
                paid[2] = final_paid
                closed = min(final_paid + timedelta(days=rng.randint(1, 5)), self.yesterday)
                closed_on = closed
                rp.last_closed_on = max(rp.last_closed_on or closed, closed)
                events.append((S.CLOSED, self.at(closed), "", ""))
            elif final_due <= last_ok and rng.random() < 0.4:
                final[0] = min(final_due + timedelta(days=rng.randint(-10, 30)), last_ok)
        # Nothing paid in the future: an active grant's dates stop at yesterday.
        paid = [p if p is None or p <= self.yesterday else None for p in paid]
        award_id = self.add(
            "awards",
            number=number,
            application_id=app.id,
            amount_cents=amount,
            awarded_on=awarded_on,
            agreement_signed_on=signed,
            closed_on=closed_on,
        )
        first = amount * 50 // 100
        second = amount * 40 // 100
        for position, (trigger, percent, cents, due) in enumerate(
            (
                ("signature", 50, first, base),
                ("interim report", 40, second, interim_due),
                ("final report", 10, amount - first - second, final_due),  # takes the remainder
            ),
            start=1,
        ):
            self.add(
                "tranches",
                award_id=award_id,
                position=position,
                trigger=trigger,
                percent=percent,
                amount_cents=cents,
                due_on=due,
                paid_on=paid[position - 1],
                paid_cents=cents if paid[position - 1] else None,
                cancelled_reason="",
            )
        for kind, due, (report_received, report_accepted) in (
            ("interim report", interim_due, interim),
            ("final report", final_due, final),
        ):
            note = (
                "Accepted by the secretariat."
                if report_accepted
                else "Received; under review by the secretariat."
                if report_received
                else ""
            )
            self.add(
                "milestones",
                award_id=award_id,
                kind=kind,
                due_on=due,
                received_on=report_received,
                accepted_on=report_accepted,
                note=note,
            )
        return events

    def _round_rows(self, rp: _RoundPlan) -> None:
        self.add(
            "rounds",
            id=rp.id,
            name=rp.name,
            year=rp.year,
            number=rp.number,
            opens_on=rp.opens_on,
            closes_on=rp.closes_on,
            budget_cents=rp.budget_cents,
            cap_cents=CAP_CENTS,
            reviews_needed=3,
            review_deadline=rp.review_deadline,
            status=rp.status,
            rubric_id=self.rubric_id,
            last_sequence=rp.last_sequence,
            created_at=rp.created_at,
        )
        steps = [
            ("draft", rp.created_at, "create"),
            ("open", self.at(rp.opens_on, 5, 5), "open"),
            ("closed", self.at(rp.closes_on + _DAY, 5, 5), "close"),
            ("reviewing", self.at(rp.closes_on + timedelta(days=21), 15, 15), "start_review"),
        ]
        if rp.panel_on:
            steps.append(("decided", self.at(rp.panel_on, 15, 15), "decide"))
        if rp.status == "archived" and rp.panel_on:
            last = max(rp.last_closed_on or rp.panel_on, rp.panel_on)
            day = min(last + timedelta(days=30), self.yesterday)
            steps.append(("archived", self.at(day, 15, 15), "archive"))
        previous = None
        for status, when, action in steps:
            self.log(
                when,
                entity="round",
                entity_id=rp.id,
                action=action,
                from_state=previous,
                to_state=status,
            )
            previous = status

    # -- letters ----------------------------------------------------------------------------------
    def build_letter_templates(self) -> None:
        admin = self.user_ids["admin"]
        for kind, subject, body in _LETTER_TEMPLATES:
            self.add(
                "letter_templates",
                kind=kind,
                version=1,
                subject=subject,
                body=body,
                created_at=self.users_created + timedelta(days=1),
                created_by_user_id=admin,
            )

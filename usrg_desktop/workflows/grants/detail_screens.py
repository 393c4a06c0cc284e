"""One read per detail screen, shared with the command line: what the application screen
shows (`application_screen`) and what the award screen shows (`award_screen`), each as plain
values and as the very texts the screen puts in its labels and tables. `usrg applications
show` and `usrg awards show` print these same objects, so the two can never disagree."""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...domain.awards import Decision
from ...money import format_zar
from .. import Actor
from ..awards.award_tracking import AwardDetail, award_detail, award_id_by_number
from ..system.dates import iso_date
from ..system.lookups import find_application_id
from .applications import (
    ActionOption,
    ApplicationDetails,
    AttachmentInfo,
    HistoryEntry,
    ScreeningItem,
    application_details,
    application_history,
    attachment_listing,
    available_actions,
    screening_checklist,
)

HISTORY_HEADINGS = ("When (SAST)", "Who", "What", "From", "To", "Reason / detail")


@dataclass(frozen=True)
class DecisionShown:
    """The panel's decision on an application, as the screen shows it."""

    outcome: str
    amount: str  # 'R 250 000,00'; empty unless approved
    conditions: str
    reasons: str

    @property
    def sentence(self) -> str:
        """'Approved: R 250 000,00' or 'Declined'."""
        return self.outcome.capitalize() + (f": {self.amount}" if self.amount else "")


@dataclass(frozen=True)
class ApplicationScreen:
    """Everything the application screen shows about one application."""

    details: ApplicationDetails
    history: list[HistoryEntry]
    attachments: list[AttachmentInfo]
    checks: list[ScreeningItem]
    decision: DecisionShown | None
    # The moves the acting user is offered now; empty when nobody is acting (the command line).
    actions: list[ActionOption]

    @property
    def heading(self) -> str:
        """The reference, or 'Draft (no reference until submitted)'."""
        return self.details.reference or "Draft (no reference until submitted)"

    @property
    def facts(self) -> list[tuple[str, str]]:
        """The line under the title: state, applicant, round, amount requested."""
        d = self.details
        return [
            ("State", d.state.replace("_", " ")),
            ("Applicant", d.applicant),
            ("Round", d.round_name),
            ("Requested", format_zar(d.requested_cents)),
        ]

    @property
    def facts_html(self) -> str:
        """The facts as the screen's rich-text line."""
        return " &nbsp;·&nbsp; ".join(
            f"<b>{label}:</b> {html.escape(value)}" for label, value in self.facts
        )

    @property
    def sections(self) -> list[tuple[str, str]]:
        """The Details tab: (caption, text) in order."""
        d = self.details
        dates = (
            f"{iso_date(d.starts_on)} to {iso_date(d.ends_on)}"
            if d.starts_on and d.ends_on
            else "not given"
        )
        contact = ", ".join(x for x in (d.contact_name, d.contact_email, d.contact_phone) if x)
        sections = [
            ("Theme", d.theme or "not given"),
            ("Summary", d.summary),
            ("Problem addressed", d.problem),
            ("Intervention", d.intervention),
            ("Project dates", dates),
            ("Contact person", contact or "not given"),
            ("Captured", iso_date(d.created_at) or ""),
        ]
        if d.withdrawn_reason:
            sections.append(("Withdrawn because", d.withdrawn_reason))
        if self.decision is not None:
            text = self.decision.sentence
            for extra in (self.decision.conditions, self.decision.reasons):
                if extra:
                    text += f"\n{extra}"
            sections.append(("Decision", text))
        return sections

    @property
    def budget_rows(self) -> list[tuple[str, str]]:
        """The Budget tab: (description, amount) per line, then the total line."""
        lines = self.details.budget_lines
        total = sum(line.amount_cents for line in lines)
        label = "Total" if total == self.details.requested_cents else "Total (≠ requested)"
        return [(line.description, format_zar(line.amount_cents)) for line in lines] + [
            (label, format_zar(total))
        ]

    @property
    def history_rows(self) -> list[tuple[str, ...]]:
        """The History tab's rows, newest first, in HISTORY_HEADINGS order."""
        return [
            (
                h.when,
                h.who,
                h.what,
                h.from_state,
                h.to_state,
                " — ".join(x for x in (h.reason, h.detail) if x),
            )
            for h in self.history
        ]

    def as_record(self) -> dict:
        """The same, as JSON-ready values (usrg applications show --format json)."""
        d = self.details
        return {
            "id": d.id,
            "reference": d.reference,
            "title": d.title,
            "state": d.state,
            **{label.lower(): value for label, value in self.facts if label != "State"},
            "sections": {caption: text for caption, text in self.sections},
            "budget": [{"description": a, "amount": b} for a, b in self.budget_rows],
            "decision": (
                {
                    "outcome": self.decision.outcome,
                    "amount": self.decision.amount,
                    "conditions": self.decision.conditions,
                    "reasons": self.decision.reasons,
                }
                if self.decision
                else None
            ),
            "history": [
                dict(zip(("when", "who", "what", "from", "to", "detail"), row, strict=True))
                | {"action": h.action}
                for row, h in zip(self.history_rows, self.history, strict=True)
            ],
        }

    def as_text(self) -> str:
        """The same, as the command line prints it."""
        d = self.details
        out = [f"{d.reference or 'Draft #' + str(d.id)}  {d.title}", ""]
        out += [f"{label:<12} {value}" for label, value in self.facts]
        for caption, text in self.sections:
            out += ["", f"{caption}:", *(f"  {line}" for line in text.splitlines() or [""])]
        out += ["", "Budget:"]
        width = max(len(a) for a, _ in self.budget_rows)
        out += [f"  {a:<{width}}  {b:>18}" for a, b in self.budget_rows]
        out += ["", "History (newest first):"]
        for when, who, what, before, after, extra in self.history_rows:
            move = f" {before or '—'} → {after}" if after else ""
            out.append(f"  {when}  {who or '—'}: {what}{move}" + (f" — {extra}" if extra else ""))
        return "\n".join(out) + "\n"


def _decision(session: Session, application_id: int) -> DecisionShown | None:
    decision = session.scalar(select(Decision).where(Decision.application_id == application_id))
    if decision is None:
        return None
    approved = decision.outcome == "approved"
    return DecisionShown(
        outcome=decision.outcome,
        amount=format_zar(decision.amount_cents) if approved and decision.amount_cents else "",
        conditions=decision.conditions or "",
        reasons=decision.reasons or "",
    )


def application_screen(
    session: Session, application_id: int, *, actor: Actor | None = None
) -> ApplicationScreen:
    """Everything the application screen shows, read in one session; with `actor`, the moves
    that user is offered now (each tried in a savepoint that is rolled back)."""
    return ApplicationScreen(
        details=application_details(session, application_id),
        history=application_history(session, application_id),
        attachments=attachment_listing(session, application_id),
        checks=screening_checklist(session, application_id),
        decision=_decision(session, application_id),
        actions=(
            available_actions(session, application_id=application_id, actor=actor)
            if actor is not None
            else []
        ),
    )


def application_screen_for(
    session: Session, reference: str, *, actor: Actor | None = None
) -> ApplicationScreen:
    """`application_screen` of the application with this reference (or #id)."""
    return application_screen(session, find_application_id(session, reference), actor=actor)


# -- the award screen ------------------------------------------------------------------------
TRANCHE_HEADINGS = ("Tranche", "Percent", "Amount", "Due", "Paid on", "Status")
REPORT_HEADINGS = ("Report", "Due", "Received", "Accepted", "Status")


def _days(today: date, due: date) -> str:
    days = (today - due).days
    return f"{days} day{'s' if days != 1 else ''}"


def _day(value: date | None) -> str:
    return value.isoformat() if value else ""


@dataclass(frozen=True)
class AwardScreen:
    """Everything the award screen shows about one award on `today`."""

    detail: AwardDetail
    today: date

    @property
    def heading(self) -> str:
        """'USRG-AW-2026-001   R 250 000,00'."""
        return f"{self.detail.number}   {format_zar(self.detail.amount_cents)}"

    @property
    def summary(self) -> str:
        """Reference and title, applicant, and the award's dates and state (three lines)."""
        d = self.detail
        signed = d.agreement_signed_on.isoformat() if d.agreement_signed_on else "not yet"
        closed = f"; closed {d.closed_on.isoformat()}" if d.closed_on else ""
        return (
            f"{d.reference}: {d.title}\n{d.applicant}\n"
            f"Awarded {d.awarded_on.isoformat()}; agreement signed {signed}{closed}; "
            f"application {d.state.replace('_', ' ')}."
        )

    @property
    def tranche_rows(self) -> list[tuple[str, ...]]:
        """The tranches' rows, in TRANCHE_HEADINGS order."""
        rows = []
        for t in self.detail.tranches:
            status = t.status + (f": {t.cancelled_reason}" if t.cancelled_reason else "")
            if t.overdue:
                status = f"overdue by {_days(self.today, t.due_on)}"
            rows.append(
                (
                    t.label,
                    f"{t.percent} %",
                    format_zar(t.amount_cents),
                    t.due_on.isoformat(),
                    _day(t.paid_on),
                    status,
                )
            )
        return rows

    @property
    def report_rows(self) -> list[tuple[str, ...]]:
        """The reporting milestones' rows, in REPORT_HEADINGS order."""
        return [
            (
                m.label,
                m.due_on.isoformat(),
                _day(m.received_on),
                _day(m.accepted_on),
                f"overdue by {_days(self.today, m.due_on)}" if m.overdue else m.status,
            )
            for m in self.detail.milestones
        ]

    @property
    def paid_line(self) -> str:
        """'Paid R … of R …', with how many items are overdue."""
        d = self.detail
        overdue = sum(t.overdue for t in d.tranches) + sum(m.overdue for m in d.milestones)
        return f"Paid {format_zar(d.paid_cents)} of {format_zar(d.amount_cents)}" + (
            f"   ·   {overdue} overdue" if overdue else ""
        )

    @property
    def close_note(self) -> str:
        """Closed, what stands in the way of closing, or ready to close."""
        d = self.detail
        if d.closed_on:
            return f"Closed on {d.closed_on.isoformat()}."
        if d.close_problems:
            return "Before closing: " + "; ".join(d.close_problems) + "."
        return "Ready to close: final report accepted, every tranche settled."

    def as_text(self) -> str:
        """The same, as `usrg awards show` prints it: each row led by its id (for `pay`,
        `cancel` and `report`)."""

        def table(headings: tuple[str, ...], ids: list[int], rows: list[tuple[str, ...]]):
            cells = [("id", *headings)] + [(str(i), *r) for i, r in zip(ids, rows, strict=True)]
            widths = [max(len(row[c]) for row in cells) for c in range(len(cells[0]))]
            right = {0} | ({2, 3} if headings == TRANCHE_HEADINGS else set())
            return [
                "  "
                + "  ".join(
                    text.rjust(w) if c in right else text.ljust(w)
                    for c, (text, w) in enumerate(zip(row, widths, strict=True))
                ).rstrip()
                for row in cells
            ]

        d = self.detail
        out = [self.heading, *self.summary.splitlines(), "", "Payment tranches:"]
        out += table(TRANCHE_HEADINGS, [t.id for t in d.tranches], self.tranche_rows)
        out += [self.paid_line, "", "Reporting milestones:"]
        out += table(REPORT_HEADINGS, [m.id for m in d.milestones], self.report_rows)
        out += ["", self.close_note]
        return "\n".join(out) + "\n"


def award_screen(session: Session, award_id: int, today: date) -> AwardScreen:
    """Everything the award screen shows, read in one session."""
    return AwardScreen(detail=award_detail(session, award_id, today), today=today)


def award_screen_for(session: Session, number: str, today: date) -> AwardScreen:
    """`award_screen` of the award with this number."""
    return award_screen(session, award_id_by_number(session, number), today)

"""The demo builder's common part: reference data, ids, rows kept in memory, the audit
log, and writing every table in executemany batches."""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import UTC, date, datetime, time
from typing import Any

from dateutil.relativedelta import relativedelta
from sqlalchemy import func, insert, select, text
from sqlalchemy.orm import Session

from ...domain import Base
from ...domain.accounts import Role, User
from ...domain.directory import Body, City
from ...domain.meetings import BlackoutPeriod
from ...domain.reviews import Criterion, Rubric
from .. import WorkflowError
from ..system.audit_trail import chain_rows
from .names import _CITIES, _OTHER_CITY
from .plan import _BATCH, _DAY, _App, _RoundPlan, _Scale


class BuilderBase:
    """Collects every row of the demo in memory, then writes them table by table."""

    # What one area's builder sets and the later ones read, in the order fill_demo runs them.
    # People (build_people, build_users, build_reviewers):
    person_name: dict[int, str]
    city_focal: dict[int, list[int]]
    city_people: dict[int, list[int]]
    body_focal: dict[int, list[int]]
    secretariat: list[tuple[int, str, str, Role]]
    user_ids: dict[str, int]
    users_written: int
    staff_id: int
    staff_name: str
    reviewer_ids: list[int]
    reviewer_cities: dict[int, set[int]]
    reviewer_bodies: dict[int, set[int]]
    severity: dict[int, float]
    # Grants (plan_rounds, write_applications):
    rounds: list[_RoundPlan]
    users_created: datetime
    app_row: dict[int, dict[str, Any]]

    def __init__(self, session: Session, scale: _Scale, seed: int, today: date) -> None:
        self.session = session
        self.scale = scale
        self.rng = random.Random(seed)
        self.today = today
        self.yesterday = today - _DAY
        self.rows: dict[str, list[dict[str, Any]]] = defaultdict(list)
        self.next_id: dict[str, int] = {}
        self.used_names: set[str] = set()
        self.used_emails: set[str] = set()
        self.audit: list[tuple[datetime, int, dict[str, Any]]] = []
        self._load_reference()

    # -- reference data and ids ------------------------------------------------------------
    def _load_reference(self) -> None:
        s = self.session
        self.cities = s.execute(
            select(City.id, City.short_name, City.municipal_code)
            .where(City.active)
            .order_by(City.id)
        ).all()
        if not self.cities:
            raise WorkflowError("The database has no active member cities to build a demo on.")
        self.bodies = s.execute(select(Body.id, Body.short_name).order_by(Body.id)).all()
        self.body_by_name = {b.short_name: b.id for b in self.bodies}
        self.city_facts = {c.id: _CITIES.get(c.municipal_code, _OTHER_CITY) for c in self.cities}
        self.city_name = {c.id: c.short_name for c in self.cities}
        self.body_name = {b.id: b.short_name for b in self.bodies}
        rubric_id = s.scalar(select(Rubric.id).where(Rubric.is_default).order_by(Rubric.id))
        self.rubric_id = rubric_id or s.scalar(select(func.min(Rubric.id)))
        self.criteria = s.execute(
            select(Criterion.id, Criterion.weight_percent, Criterion.scale_min, Criterion.scale_max)
            .where(Criterion.rubric_id == self.rubric_id)
            .order_by(Criterion.position)
        ).all()
        self.blackouts: list[tuple[int, int, int, int]] = [
            (r.start_month, r.start_day, r.end_month, r.end_day)
            for r in s.execute(
                select(
                    BlackoutPeriod.start_month,
                    BlackoutPeriod.start_day,
                    BlackoutPeriod.end_month,
                    BlackoutPeriod.end_day,
                ).order_by(BlackoutPeriod.id)
            )
        ]
        existing = s.execute(select(User.id, User.username)).all()
        self.existing_users = {u.username: u.id for u in existing}

    def _project_dates(self, app: _App) -> tuple[date, date]:
        """An application's project: from the first of the month two months after its panel
        (or today), for a year (eighteen months for some)."""
        rp = app.round
        anchor = rp.panel_on or self.today
        starts = (anchor + relativedelta(months=2)).replace(day=1)
        months = 18 if app.ineligible and app.ineligible[0] == 3 else 12
        return starts, starts + relativedelta(months=months) - _DAY

    def new_id(self, table: str) -> int:
        if table not in self.next_id:
            t = Base.metadata.tables[table]
            self.next_id[table] = (self.session.scalar(select(func.max(t.c.id))) or 0) + 1
        value = self.next_id[table]
        self.next_id[table] = value + 1
        return value

    def add(self, table: str, **values: Any) -> int:
        if "id" not in values and "id" in Base.metadata.tables[table].c:
            values["id"] = self.new_id(table)
        self.rows[table].append(values)
        return values.get("id", 0)

    def at(self, day: date, earliest: int = 6, latest: int = 14) -> datetime:
        """A time in office hours (South African time is UTC+2) on `day`, in UTC."""
        hour = self.rng.randint(earliest, latest)
        return datetime.combine(day, time(hour, self.rng.randrange(0, 60, 5)), tzinfo=UTC)

    def log(
        self,
        when: datetime,
        *,
        entity: str,
        entity_id: int,
        action: str,
        from_state: str | None,
        to_state: str | None,
        reason: str = "",
        detail: str = "",
    ) -> None:
        self.audit.append(
            (
                when,
                len(self.audit),
                {
                    "occurred_at": when,
                    "actor_user_id": self.staff_id,
                    "actor_name": self.staff_name,
                    "entity": entity,
                    "entity_id": entity_id,
                    "action": action,
                    "from_state": from_state,
                    "to_state": to_state,
                    "reason": reason,
                    "detail": detail,
                },
            )
        )

    # -- writing ---------------------------------------------------------------------------------
    _ORDER = (
        "people",
        "users",
        "reviewers",
        "reviewer_affiliations",
        "rounds",
        "round_admitted_bodies",
        "screening_checks",
        "round_themes",
        "letter_templates",
        "applications",
        "budget_lines",
        "attachments",
        "screening_results",
        "review_packets",
        "scores_imports",
        "assignments",
        "conflicts",
        "scores",
        "decisions",
        "awards",
        "tranches",
        "milestones",
        "meetings",
        "host_volunteers",
        "host_unavailability",
        "agenda_items",
        "invitations",
        "minutes",
        "action_items",
        "audit_events",
    )

    def write(self) -> None:
        # The audit log reads in time order, like the log of a program in daily use.
        self.audit.sort(key=lambda e: (e[0], e[1]))
        # Chained after whatever the log already holds, in the order of the ids given here.
        for event in chain_rows(self.session, (event for _when, _n, event in self.audit)):
            self.add("audit_events", **event)
        dialect = self.session.get_bind().dialect.name
        for name in self._ORDER:
            rows = self.rows.get(name)
            if not rows:
                continue
            table = Base.metadata.tables[name]
            complete = self._complete(table, rows)
            for start in range(0, len(complete), _BATCH):
                self.session.execute(insert(table), complete[start : start + _BATCH])
            if dialect == "postgresql" and "id" in table.c:
                # Explicit ids do not move PostgreSQL's sequences; start them after our rows.
                self.session.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                        f"(SELECT MAX(id) FROM {name}))"
                    )
                )

    @staticmethod
    def _complete(table: Any, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Every row with every column, so that one executemany takes them all."""
        defaults = {}
        for column in table.c:
            default = column.default
            defaults[column.name] = (
                default.arg if default is not None and default.is_scalar else None
            )
        names = list(defaults)
        if all(len(r) == len(names) for r in rows):
            return rows
        return [{n: r.get(n, defaults[n]) for n in names} for r in rows]

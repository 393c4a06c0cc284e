"""The demo's quarterly meetings: dates, hosts, agendas, invitations, minutes and actions."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

import holidays
from dateutil.rrule import DAILY, MO, TH, TU, WE, rrule

from ...domain.meetings import (
    AgendaItemKind,
    AgendaPurpose,
)
from .base import BuilderBase
from .plan import _DAY, FIRST_MEETING_YEAR, _in_blackout, _quarter_of
from .texts import _ACTION_TEMPLATES, _APOLOGY_NOTES, _THEMES


class MeetingsBuilder(BuilderBase):
    """Meetings: dates, hosts, agendas, invitations, minutes, actions and volunteers."""

    # -- meetings ---------------------------------------------------------------------------------
    def _meeting_dates(self, year: int, quarter: int, za: Any) -> tuple[date, date]:
        middle = datetime(year, 3 * quarter - 1, 1)
        # The quarter's preferred weeks: the second to fourth week of its middle month; a
        # meeting starts Monday to Thursday so that its second day is a weekday too.
        days = rrule(
            DAILY,
            dtstart=middle + timedelta(days=7),
            until=middle + timedelta(days=27),
            byweekday=(MO, TU, WE, TH),
        )
        good = []
        for dt in days:
            start = dt.date()
            end = start + _DAY
            if any(d in za or _in_blackout(d, self.blackouts) for d in (start, end)):
                continue
            if start <= self.today <= end:
                continue  # a meeting is either held already or still ahead, never half-way
            good.append(start)
        start = self.rng.choice(good[:6])
        return start, start + _DAY

    def build_meetings(self) -> None:
        sc = self.scale
        this_quarter = self.today.year * 4 + _quarter_of(self.today) - 1
        first_quarter = FIRST_MEETING_YEAR * 4
        if sc.meetings:
            quarters = list(range(first_quarter, first_quarter + sc.meetings))
        else:
            quarters = list(range(this_quarter - 9, this_quarter + 6))
        years = range(quarters[0] // 4, quarters[-1] // 4 + 2)
        za = holidays.country_holidays("ZA", years=years)
        dated = []
        for q in quarters:
            start, end = self._meeting_dates(q // 4, q % 4 + 1, za)
            dated.append((q, start, end))
        if not sc.meetings:
            held = [m for m in dated if m[2] < self.today][-8:]
            planned = [m for m in dated if m[2] >= self.today][:4]
            dated = held + planned
        hosts = self._rotation(dated, self._unavailability())
        invitees = [pid for pids in self.city_focal.values() for pid in pids]
        invitees += [pid for pids in self.body_focal.values() for pid in pids]
        invitees += [pid for pid, _, _, _ in self.secretariat]
        self.action_number = 0
        self.open_actions: list[dict[str, Any]] = []
        # Numbered from the first USRG meeting in 2014 Q1 (the quarters are consecutive).
        first_number = max(1, dated[0][0] - first_quarter + 1)
        meetings = [
            (first_number + i, q, hosts[i], start, end) for i, (q, start, end) in enumerate(dated)
        ]
        held_numbers = [m[0] for m in meetings if m[4] < self.today]
        for index, (number, q, host, start, end) in enumerate(meetings):
            nxt = meetings[index + 1] if index + 1 < len(meetings) else None
            self._meeting(
                number,
                q,
                host,
                start,
                end,
                nxt,
                invitees,
                held_numbers,
                first_planned=(
                    end >= self.today and (index == 0 or meetings[index - 1][4] < self.today)
                ),
            )
        self._volunteers(meetings)

    def _meeting(
        self,
        number: int,
        q: int,
        host: int,
        start: date,
        end: date,
        nxt: tuple | None,
        invitees: list[int],
        held_numbers: list[int],
        first_planned: bool,
    ) -> None:
        rng = self.rng
        facts = self.city_facts[host]
        held = end < self.today
        site, purpose = rng.choice(facts.sites)
        focal = self.city_focal[host]
        host_contact = focal[0]
        theme = _THEMES[number % len(_THEMES)]
        updated = (
            min(end + timedelta(days=rng.randint(3, 10)), self.yesterday)
            if held
            else self.today - timedelta(days=rng.randint(5, 60))
        )
        meeting_id = self.add(
            "meetings",
            number=number,
            year=q // 4,
            quarter=q % 4 + 1,
            host_city_id=host,
            starts_on=start,
            ends_on=end,
            day1_start=time(9, 0),
            day1_end=time(17, 0),
            day2_start=time(8, 30),
            day2_end=time(13, 0),
            venue=facts.venue,
            status="held" if held else "planned",
            cancelled_reason="",
            exposure_site=site,
            exposure_purpose=purpose,
            # No times here: the visit's times come from the agenda
            # (workflows/meetings/meeting_times).
            exposure_transport="A municipal bus takes the group from the venue and back; "
            "wear comfortable shoes.",
            exposure_contact=f"{self.person_name[host_contact]}, "
            f"{self.rows['people'][self._person_index(host_contact)]['phone']}",
            ics_sequence=1 if rng.random() < 0.15 else 0,
            updated_at=self.at(updated),
        )
        items = self._agenda(meeting_id, host, theme, site, nxt)
        # Invitations: every focal person and the secretariat.
        for pid in invitees:
            city_of = self.rows["people"][self._person_index(pid)]["city_id"]
            if held:
                roll = rng.random()
                rsvp = (
                    "accepted"
                    if city_of == host or roll < 0.78
                    else ("apology" if roll < 0.95 else "declined")
                )
            elif first_planned:
                roll = rng.random()
                rsvp = "accepted" if roll < 0.5 else ("apology" if roll < 0.6 else "pending")
            else:
                rsvp = "pending"
            day1 = held and rsvp == "accepted" and rng.random() < 0.95
            self.add(
                "invitations",
                meeting_id=meeting_id,
                person_id=pid,
                rsvp=rsvp,
                apology_note=rng.choice(_APOLOGY_NOTES) if rsvp == "apology" else "",
                attended_day1=day1,
                attended_day2=day1 and rng.random() < 0.9,
                attended_visit=day1 and rng.random() < 0.85,
            )
        if held:
            self._minutes_and_actions(
                meeting_id, number, host, end, theme, items, nxt, held_numbers
            )

    def _person_index(self, pid: int) -> int:
        if not hasattr(self, "_people_index"):
            self._people_index = {r["id"]: i for i, r in enumerate(self.rows["people"])}
        return self._people_index[pid]

    def _agenda(
        self, meeting_id: int, host: int, theme: str, site: str, nxt: tuple | None
    ) -> dict[str, int]:
        K, P = AgendaItemKind, AgendaPurpose
        city = self.city_name[host]
        host_person = self.person_name[self.city_focal[host][0]]
        chair = self.secretariat[0][1]
        coordinator = self.secretariat[1][1]
        next_city = self.city_name[nxt[2]] if nxt else "to be confirmed"
        template = (  # key, day, kind, title, presenter, minutes, purpose
            ("welcome", 1, K.WELCOME, f"Welcome by the {city}", host_person, 15, P.INFORMATION),
            (
                "apologies",
                1,
                K.SESSION,
                "Apologies, introductions and declarations of interest",
                chair,
                15,
                P.INFORMATION,
            ),
            ("minutes", 1, K.SESSION, "Minutes of the previous meeting", chair, 15, P.DECISION),
            (
                "matters",
                1,
                K.DISCUSSION,
                "Matters arising and the action-item tracker",
                chair,
                30,
                P.DISCUSSION,
            ),
            ("tea1", 1, K.BREAK, "Tea", "", 15, P.INFORMATION),
            ("cities", 1, K.PRESENTATION, "City updates", "Member cities", 60, P.INFORMATION),
            (
                "national",
                1,
                K.PRESENTATION,
                "National updates",
                "CoGTA, CSPS, SALGA, DSD",
                45,
                P.INFORMATION,
            ),
            ("lunch1", 1, K.LUNCH, "Lunch", "", 45, P.INFORMATION),
            (
                "visit",
                1,
                K.EXPOSURE_VISIT,
                f"Exposure visit: {site}",
                host_person,
                210,
                P.INFORMATION,
            ),
            (
                "reflect",
                1,
                K.DISCUSSION,
                "Reflections on the exposure visit",
                coordinator,
                30,
                P.DISCUSSION,
            ),
            ("recap", 2, K.SESSION, "Recap of day one", coordinator, 15, P.INFORMATION),
            (
                "theme",
                2,
                K.PRESENTATION,
                f"Thematic session: {theme}",
                "Invited speakers",
                75,
                P.DISCUSSION,
            ),
            ("tea2", 2, K.BREAK, "Tea", "", 15, P.INFORMATION),
            ("groups", 2, K.DISCUSSION, "Working groups", "Working group leads", 60, P.DISCUSSION),
            ("fund", 2, K.PRESENTATION, "Innovation fund update", chair, 45, P.DECISION),
            (
                "next",
                2,
                K.SESSION,
                f"Next meeting: host ({next_city}), dates and theme",
                chair,
                15,
                P.DECISION,
            ),
            ("close", 2, K.CLOSING, "Any other business and close", chair, 15, P.INFORMATION),
            ("lunch2", 2, K.LUNCH, "Lunch and departure", "", 30, P.INFORMATION),
        )
        ids: dict[str, int] = {}
        position = {1: 0, 2: 0}
        for key, day, kind, title, presenter, minutes, purpose in template:
            position[day] += 1
            ids[key] = self.add(
                "agenda_items",
                meeting_id=meeting_id,
                day=day,
                position=position[day],
                kind=kind.value,
                title=title,
                presenter=presenter,
                duration_minutes=minutes,
                purpose=purpose.value,
                description="",
            )
        return ids

    def _minutes_and_actions(
        self,
        meeting_id: int,
        number: int,
        host: int,
        end: date,
        theme: str,
        items: dict[str, int],
        nxt: tuple | None,
        held_numbers: list[int],
    ) -> None:
        rng = self.rng
        city = self.city_name[host]
        recorded = self.at(min(end + timedelta(days=rng.randint(1, 5)), self.yesterday))
        carried = [a for a in self.open_actions if a["status"] in ("open", "in progress")]
        texts = {
            "minutes": f"The minutes of meeting {number - 1} were adopted without changes."
            if number > 1
            else "This was the first meeting; there were no earlier minutes.",
            "matters": f"{len(carried)} open action item(s) were reviewed and carried forward."
            if carried
            else "All earlier action items were done.",
            "cities": "Cities reported on their safety plans, budgets and recent incidents; "
            f"{city} described its new approach to {theme.lower()}.",
            "national": "CoGTA reported on the Integrated Urban Development Framework; CSPS on "
            "the community safety forum regulations; SALGA on its municipal safety toolkit.",
            "theme": f"The session on {theme.lower()} heard three practitioners; members agreed "
            "to share their own material before the next meeting.",
            "fund": "The secretariat reported on the innovation fund: applications received, "
            "reviews under way and grants paid.",
            "next": f"The next meeting will be hosted by {self.city_name[nxt[2]]}."
            if nxt
            else "The next host will be confirmed by the secretariat.",
        }
        for key, minute in texts.items():
            self.add(
                "minutes",
                meeting_id=meeting_id,
                agenda_item_id=items[key],
                text=minute,
                recorded_at=recorded,
            )
        recent = number in held_numbers[-2:]
        due = (nxt[3] - timedelta(days=7)) if nxt else end + timedelta(days=90)
        for description, owner in rng.sample(_ACTION_TEMPLATES, rng.randint(2, 4)):
            owner_id, owner_text = None, ""
            if owner == "host":
                owner_id = self.city_focal[host][0]
            elif owner == "city":
                c = rng.choice(list(self.city_focal))
                owner_id = self.city_focal[c][0]
                description = description.replace("{city}", self.city_name[c])
            elif owner == "secretariat":
                owner_id = self.secretariat[rng.randint(0, 1)][0]
            elif owner.startswith("body:"):
                b = self.body_by_name.get(owner[5:])
                owner_id = self.body_focal[b][0] if b in self.body_focal else None
                owner_text = "" if owner_id else owner[5:]
            else:
                owner_text = "All member cities"
            roll = rng.random()
            if recent:
                status = "open" if roll < 0.5 else ("in progress" if roll < 0.9 else "done")
            else:
                status = (
                    "done"
                    if roll < 0.8
                    else "dropped"
                    if roll < 0.85
                    else "open"
                    if roll < 0.95
                    else "in progress"
                )
            done_on = None
            if status == "done":
                latest = min(due + timedelta(days=30), self.yesterday)
                span = max(0, (latest - end).days - 7)
                done_on = min(end + timedelta(days=7 + rng.randint(0, span)), self.yesterday)
            self.action_number += 1
            text_ = description.format(host=city, theme_lower=theme.lower(), city="a city")
            row_id = self.add(
                "action_items",
                number=self.action_number,
                meeting_id=meeting_id,
                agenda_item_id=items["matters"] if rng.random() < 0.3 else items["theme"],
                description=text_,
                owner_person_id=owner_id,
                owner_text=owner_text,
                due_on=due,
                status=status,
                done_on=done_on,
            )
            self.open_actions.append({"id": row_id, "status": status})

    def _rotation(
        self, dated: list[tuple[int, date, date]], unavailable: list[tuple[int, date, date]]
    ) -> list[int]:
        """Hosts as the rotation rule picks them: longest without hosting, then fewest hosted."""
        order = [c.id for c in self.cities]
        self.rng.shuffle(order)  # the stable order that breaks ties, as the group first agreed
        rank = {c: i for i, c in enumerate(order)}
        last_hosted = dict.fromkeys(order, -1)
        hosted = dict.fromkeys(order, 0)
        hosts: list[int] = []
        for i, (_q, start, end) in enumerate(dated):
            blocked = {c for c, s, e in unavailable if s <= end and e >= start}
            candidates = [c for c in order if c not in blocked and (not hosts or c != hosts[-1])]
            host = min(candidates, key=lambda c: (last_hosted[c], hosted[c], rank[c]))
            last_hosted[host], hosted[host] = i, hosted[host] + 1
            hosts.append(host)
        return hosts

    def _unavailability(self) -> list[tuple[int, date, date]]:
        rng = self.rng
        windows = [
            (
                self.today + timedelta(days=30),
                self.today + timedelta(days=300),
                "Local government elections and the induction of the new council.",
            )
        ]
        if self.scale.meetings:
            windows.append(
                (
                    date(2019, 4, 1),
                    date(2019, 9, 30),
                    "Administrator appointed under section 139; council functions suspended.",
                )
            )
        periods = []
        for starts, ends, reason in windows:
            city = rng.choice(self.cities).id
            self.add(
                "host_unavailability", city_id=city, starts_on=starts, ends_on=ends, reason=reason
            )
            periods.append((city, starts, ends))
        return periods

    def _volunteers(self, meetings: list[tuple]) -> None:
        planned = [m for m in meetings if m[4] >= self.today]
        # A city that volunteered is preferred when hosts are chosen: these volunteers hosted.
        chosen = (
            [m for i, m in enumerate(planned) if i in (0, 2)]
            if not self.scale.meetings
            else [m for m in meetings if self.rng.random() < 0.12]
        )
        for number, q, host, _start, _end in chosen:
            self.add(
                "host_volunteers",
                city_id=host,
                year=q // 4,
                quarter=q % 4 + 1,
                note=f"Offered at meeting {max(1, number - 2)}.",
            )

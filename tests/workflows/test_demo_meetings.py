"""The demo data set's meetings and directory: quarterly, rotating, on working days, with the
USRG's agenda, invitations, attendance, minutes and actions; South African people with working
contact details. The rest of the demo is checked in test_demo.py."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from datetime import date, timedelta

import holidays

from tests.conftest import TODAY
from usrg_desktop.domain.meetings import AgendaItemKind

from .test_demo import _date


def _in_period(day: date, start_month, start_day, end_month, end_day) -> bool:
    """Whether a day falls in a yearly period such as 15 December to 15 January."""
    start = date(day.year, start_month, start_day)
    end = date(day.year, end_month, end_day)
    if start <= end:
        return start <= day <= end
    return day >= start or day <= end


# -- meetings --------------------------------------------------------------------------------------
def test_meetings_are_quarterly_rotating_and_on_working_days(any_demo_db):
    db = any_demo_db
    meetings = db.rows(
        "SELECT id, number, year, quarter, host_city_id, starts_on, ends_on, status, venue, "
        "exposure_site, exposure_purpose, exposure_contact FROM meetings ORDER BY number"
    )
    held = [m for m in meetings if m[7] == "held"]
    planned = [m for m in meetings if m[7] == "planned"]
    assert (len(held), len(planned)) == (8, 4)
    assert all(_date(m[6]) < TODAY for m in held) and all(_date(m[5]) > TODAY for m in planned)
    numbers = [m[1] for m in meetings]
    assert numbers == list(range(numbers[0], numbers[0] + len(numbers)))
    quarters = [m[2] * 4 + m[3] for m in meetings]
    assert quarters == list(range(quarters[0], quarters[0] + len(quarters)))
    blackouts = db.rows("SELECT start_month, start_day, end_month, end_day FROM blackout_periods")
    za = holidays.country_holidays("ZA", years=range(TODAY.year - 3, TODAY.year + 3))
    unavailable = [
        (r[0], _date(r[1]), _date(r[2]))
        for r in db.rows("SELECT city_id, starts_on, ends_on FROM host_unavailability")
    ]
    assert unavailable
    for previous, meeting in zip(meetings, meetings[1:], strict=False):
        assert previous[4] != meeting[4], "the same host twice in a row"
    for m in meetings:
        start, end = _date(m[5]), _date(m[6])
        assert end == start + timedelta(days=1)
        assert (start.year, (start.month - 1) // 3 + 1) == (m[2], m[3])
        for day in (start, end):
            assert day.weekday() < 5 and day not in za
            assert not any(_in_period(day, *period) for period in blackouts), day
        for city, starts, ends in unavailable:
            assert not (m[4] == city and start <= ends and end >= starts)
        assert all(m[8:12]), m
    first_nine = [m[4] for m in meetings[:9]]
    assert len(set(first_nine)) == 9  # every city hosts once before any hosts twice
    volunteers = db.rows("SELECT city_id, year, quarter FROM host_volunteers")
    hosts = {(m[2], m[3]): m[4] for m in meetings}
    assert volunteers and all(hosts.get((y, q)) == c for c, y, q in volunteers)


def test_agendas_follow_the_usrg_template(any_demo_db):
    db = any_demo_db
    items = defaultdict(list)
    for meeting, day, position, kind, title, minutes in db.rows(
        "SELECT meeting_id, day, position, kind, title, duration_minutes FROM agenda_items "
        "ORDER BY meeting_id, day, position"
    ):
        items[meeting].append((day, position, AgendaItemKind(kind), title, minutes))
    assert len(items) == db.rows("SELECT COUNT(*) FROM meetings")[0][0]
    for agenda in items.values():
        day1 = [i for i in agenda if i[0] == 1]
        day2 = [i for i in agenda if i[0] == 2]
        assert [i[1] for i in day1] == list(range(1, len(day1) + 1))
        assert day1[0][2] == AgendaItemKind.WELCOME
        assert AgendaItemKind.EXPOSURE_VISIT in {i[2] for i in day1}
        assert AgendaItemKind.LUNCH in {i[2] for i in day1}
        assert AgendaItemKind.CLOSING in {i[2] for i in day2}
        titles = " ".join(i[3] for i in agenda).lower()
        for words in (
            "apologies",
            "minutes of the previous",
            "matters arising",
            "city updates",
            "national updates",
            "thematic",
            "innovation fund",
            "next meeting",
        ):
            assert words in titles
        assert sum(i[4] for i in day1) == 8 * 60  # 09:00 to 17:00
        assert sum(i[4] for i in day2) == 4 * 60 + 30  # 08:30 to 13:00


def test_invitations_attendance_minutes_and_actions(any_demo_db):
    db = any_demo_db
    focal = {r[0] for r in db.rows("SELECT id FROM people WHERE role = 'focal person'")}
    status = dict(db.rows("SELECT id, status FROM meetings"))
    invited = defaultdict(set)
    for meeting, person, rsvp, day1, day2, visit in db.rows(
        "SELECT meeting_id, person_id, rsvp, attended_day1, attended_day2, attended_visit "
        "FROM invitations"
    ):
        invited[meeting].add(person)
        if status[meeting] != "held":
            assert not (day1 or day2 or visit)
        else:
            assert rsvp != "pending"
            if rsvp != "accepted":
                assert not (day1 or day2 or visit)
    for meeting in status:
        assert focal <= invited[meeting]
    minuted = {r[0] for r in db.rows("SELECT DISTINCT meeting_id FROM minutes")}
    assert minuted == {m for m, s in status.items() if s == "held"}
    actions = db.rows("SELECT number, meeting_id, status, done_on, due_on FROM action_items")
    assert len({a[0] for a in actions}) == len(actions)
    assert sorted(a[0] for a in actions) == list(range(1, len(actions) + 1))
    assert {a[1] for a in actions} <= minuted
    kinds = Counter(a[2] for a in actions)
    assert kinds["done"] and (kinds["open"] + kinds["in progress"])
    for _n, _m, state, done_on, _due in actions:
        assert (done_on is not None) == (state == "done")
        if done_on is not None:
            assert _date(done_on) < TODAY


# -- the directory ---------------------------------------------------------------------------------
def test_people_are_south_african_with_working_contact_details(any_demo_db):
    db = any_demo_db
    people = db.rows(
        "SELECT full_name, city_id, body_id, role, email, phone, consent_basis FROM people"
    )
    names = " ".join(p[0] for p in people)
    for letter in "ṱḓṋ":
        assert letter in names.lower()
    for name in (
        "Ṱhalitshani Nemaṱhaṋi",
        "Mpho Ṋetshiṱenzhe",
        "Ḓivhani Maḽaba",
        "Anél Coetzée",
        "Gerhard du Plessis",
        "Thabo Mokoena",
        "Lerato Mofokeng",
    ):
        assert name in names
    assert len({p[4] for p in people}) == len(people)
    domains = {r[0]: r[1] for r in db.rows("SELECT id, municipal_code FROM cities")}
    for _name, city, _body, role, email, phone, basis in people:
        assert re.fullmatch(r"[a-z]+\.[a-z]+\d*@[a-z.]+", email), email
        assert re.fullmatch(r"\+27 \d\d \d{3} \d{4}", phone), phone
        if city is not None:
            assert domains[city]
        if role == "reviewer":
            assert basis == "consent"
        elif role in ("focal person", "official") and city is not None:
            assert basis == "public function"
    focal_by_city = Counter(p[1] for p in people if p[3] == "focal person" and p[1] is not None)
    assert set(focal_by_city) == set(domains) and set(focal_by_city.values()) <= {1, 2}
    focal_bodies = {p[2] for p in people if p[3] == "focal person" and p[2] is not None}
    assert len(focal_bodies) == db.rows("SELECT COUNT(*) FROM bodies")[0][0] - 1  # all but SACN
    assert "@joburg.org.za" in " ".join(p[4] for p in people)

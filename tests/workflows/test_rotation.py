"""Host rotation and meeting dates: hand-worked examples and properties over random histories."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from usrg_desktop.workflows import WorkflowError
from usrg_desktop.workflows.meetings.rotation import (
    DEFAULT_BLACKOUTS,
    Blackout,
    Hosting,
    Quarter,
    RotationCity,
    Unavailability,
    Volunteer,
    WeekRule,
    hosting_ledger,
    meeting_dates,
    propose_hosts,
    public_holiday,
)

NAMES = [
    "City of Johannesburg",
    "City of Cape Town",
    "eThekwini",
    "City of Tshwane",
    "Ekurhuleni",
    "Nelson Mandela Bay",
    "Buffalo City",
    "Mangaung",
    "Msunduzi",
]
CITIES = [RotationCity(i + 1, n, f"{n} (official)", True, i) for i, n in enumerate(NAMES)]
ID = {c.name: c.id for c in CITIES}


def _history(start: Quarter, names: list[str]) -> list[Hosting]:
    out, quarter = [], start
    for name in names:
        out.append(Hosting(ID[name], quarter))
        quarter = quarter.next()
    return out


def test_quarter_parsing_and_arithmetic():
    assert Quarter.parse("2027Q1") == Quarter(2027, 1)
    assert Quarter.parse("2027 q4").next() == Quarter(2028, 1)
    assert str(Quarter(2027, 3)) == "2027Q3" and Quarter(2027, 3).label == "2027 Q3"
    assert Quarter(2027, 1).last_day == date(2027, 3, 31)
    with pytest.raises(WorkflowError, match="'27-1' is not a quarter"):
        Quarter.parse("27-1")


def test_first_turn_follows_the_member_list_and_the_preferred_week():
    proposals = propose_hosts([], [], [], Quarter(2027, 1), 9, cities=CITIES)
    assert [p.host for p in proposals] == NAMES
    first = proposals[0]
    # Second Monday of February 2027 is the 8th: Tuesday and Wednesday of that week.
    assert (first.starts_on, first.ends_on) == (date(2027, 2, 9), date(2027, 2, 10))
    assert first.reason.startswith("City of Johannesburg has not hosted yet.")
    assert "in the preferred week" in first.reason
    assert first.as_dict() == {
        "quarter": "2027Q1",
        "host": "City of Johannesburg (official)",
        "start": "2027-02-09",
        "end": "2027-02-10",
        "reason": first.reason,
    }


def test_volunteer_is_preferred_and_said_so():
    order = [
        "Buffalo City",
        "City of Johannesburg",
        "City of Cape Town",
        "eThekwini",
        "City of Tshwane",
        "Ekurhuleni",
        "Nelson Mandela Bay",
        "Mangaung",
        "Msunduzi",
        "City of Johannesburg",
        "City of Cape Town",
    ]
    history = _history(Quarter(2025, 1), order)  # Buffalo City hosted 2025 Q1; ends 2027 Q3
    history = history[:-1]  # up to 2027 Q2
    proposals = propose_hosts(
        history,
        [Volunteer(ID["Buffalo City"], Quarter(2027, 3))],
        [],
        Quarter(2027, 3),
        1,
        cities=CITIES,
    )
    assert proposals[0].host == "Buffalo City"
    assert proposals[0].reason.startswith(
        "Buffalo City volunteered for 2027 Q3; it last hosted in 2025 Q1."
    )


def test_longest_without_hosting_then_fewest_then_order():
    history = _history(Quarter(2024, 1), NAMES[:8])  # Msunduzi has never hosted
    proposals = propose_hosts(history, [], [], Quarter(2026, 1), 2, cities=CITIES)
    assert proposals[0].host == "Msunduzi"
    # A new turn: Johannesburg hosted longest ago (2024 Q1).
    assert proposals[1].host == "City of Johannesburg"
    assert "it last hosted in 2024 Q1" in proposals[1].reason


def test_never_the_same_city_twice_in_a_row_even_when_it_volunteers():
    history = _history(Quarter(2024, 1), NAMES)  # Msunduzi hosted last (2026 Q1)
    proposals = propose_hosts(
        history,
        [Volunteer(ID["Msunduzi"], Quarter(2026, 2))],
        [],
        Quarter(2026, 2),
        1,
        cities=CITIES,
    )
    assert proposals[0].host == "City of Johannesburg"
    assert "Msunduzi volunteered but cannot host" in proposals[0].reason


def test_unavailable_city_is_deferred_and_keeps_its_turn():
    history = _history(Quarter(2024, 1), NAMES[:7])  # Mangaung and Msunduzi still to host
    away = Unavailability(ID["Mangaung"], date(2025, 10, 1), date(2026, 3, 31), "elections")
    proposals = propose_hosts(history, [], [away], Quarter(2025, 4), 3, cities=CITIES)
    assert [p.host for p in proposals] == ["Msunduzi", "City of Johannesburg", "Mangaung"]
    assert proposals[0].deferrals[0].city_id == ID["Mangaung"]
    assert "Mangaung is unavailable from 01 Oct 2025 to 31 Mar 2026 (elections)" in (
        proposals[0].reason
    )
    assert "hosts early" in proposals[1].reason
    # Johannesburg's early turn counts for the next turn: it does not host again before the rest.
    more = propose_hosts(history, [], [away], Quarter(2025, 4), 3 + 8, cities=CITIES)
    later = [p.host for p in more[3:]]
    assert "City of Johannesburg" not in later and len(set(later)) == 8
    ledger = hosting_ledger(CITIES, history, [], [away], today=date(2025, 9, 1), proposals=more)
    assert {r.city: r.deferred for r in ledger}["Mangaung"] == 2


def test_planned_meetings_in_the_window_are_kept():
    history = _history(Quarter(2026, 1), ["eThekwini", "Msunduzi"])
    proposals = propose_hosts(history, [], [], Quarter(2026, 2), 2, cities=CITIES)
    assert proposals[0].planned and proposals[0].host == "Msunduzi"
    assert proposals[1].host != "Msunduzi"


def test_dates_avoid_a_public_holiday_in_the_preferred_week():
    # June 2027: second Monday is the 14th; Youth Day is Wednesday 16 June.
    day1, day2, reason = meeting_dates(Quarter(2027, 2), rule=WeekRule(3, 2))
    assert (day1, day2) == (date(2027, 6, 14), date(2027, 6, 15))
    assert public_holiday(date(2027, 6, 16)) == "Youth Day"
    assert "preferred week" in reason


def test_observed_holiday_counts():
    # Human Rights Day 2027 is a Sunday: Monday 22 March is the observed holiday.
    assert public_holiday(date(2027, 3, 22)) is not None
    day1, _day2, _ = meeting_dates(Quarter(2027, 1), rule=WeekRule(3, 4))  # week of 22 March
    assert day1 != date(2027, 3, 22)


def test_blocked_week_moves_and_says_why():
    taken = [date(2027, 2, d) for d in range(8, 13)]
    day1, day2, reason = meeting_dates(Quarter(2027, 1), taken=taken)
    assert (day1, day2) == (date(2027, 2, 16), date(2027, 2, 17))
    assert "preferred week of 8 February is blocked" in reason
    assert "already used by another meeting" in reason


def test_blackout_pushes_december_meeting_before_the_15th():
    day1, day2, reason = meeting_dates(Quarter(2027, 4), rule=WeekRule(3, 3))
    assert (day1, day2) == (date(2027, 12, 13), date(2027, 12, 14))
    assert "blackout period 'Year-end holidays'" in reason


def test_no_possible_date_is_a_sentence():
    everything = [Blackout("closed", (1, 1), (12, 31))]
    with pytest.raises(WorkflowError, match="No two consecutive weekdays in 2027 Q1"):
        meeting_dates(Quarter(2027, 1), blackouts=everything)


def test_too_few_cities_is_a_sentence():
    with pytest.raises(WorkflowError, match="at least two active member cities"):
        propose_hosts([], [], [], Quarter(2027, 1), 4, cities=CITIES[:1])


# -- properties ---------------------------------------------------------------------------------
quarters = st.builds(Quarter, st.integers(2014, 2030), st.integers(1, 4))
city_ids = st.integers(1, len(CITIES))


@st.composite
def histories(draw):
    start = draw(quarters)
    hosts = draw(st.lists(city_ids, max_size=30))
    out, quarter, previous = [], start, None
    for host in hosts:
        if host == previous:
            continue
        out.append(Hosting(host, quarter))
        previous, quarter = host, quarter.next()
    return out, quarter


@st.composite
def unavailabilities(draw):
    city = draw(city_ids)
    start = draw(st.dates(date(2014, 1, 1), date(2036, 12, 31)))
    return Unavailability(city, start, start + timedelta(days=draw(st.integers(0, 500))))


def _assert_dates_ok(proposals):
    used = set()
    for p in proposals:
        assert p.ends_on == p.starts_on + timedelta(days=1)
        for day in (p.starts_on, p.ends_on):
            assert day.weekday() < 5
            assert public_holiday(day) is None
            assert not any(b.contains(day) for b in DEFAULT_BLACKOUTS)
            assert Quarter.of(day) == p.quarter
            assert day not in used
            used.add(day)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    histories(),
    st.lists(unavailabilities(), max_size=6),
    st.lists(st.tuples(city_ids, st.integers(0, 11)), max_size=6),
    st.integers(1, 12),
)
def test_rules_hold_over_random_histories(history_and_next, away, offers, count):
    history, start = history_and_next
    volunteers = []
    quarter_list = [start]
    for _ in range(12):
        quarter_list.append(quarter_list[-1].next())
    volunteers = [Volunteer(c, quarter_list[i]) for c, i in offers]
    proposals = propose_hosts(history, volunteers, away, start, count, cities=CITIES)
    assert [p.quarter for p in proposals] == quarter_list[:count]
    _assert_dates_ok(proposals)
    previous = history[-1].city_id if history else None
    for p in proposals:
        if p.host_id is None:
            previous = None
            continue
        assert p.host_id != previous, "the same city twice in a row"
        assert not any(u.city_id == p.host_id and u.overlaps(p.starts_on, p.ends_on) for u in away)
        previous = p.host_id


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(city_ids, st.integers(0, 26)), max_size=10), st.integers(1, 3))
def test_once_before_twice_and_volunteers_where_the_rules_allow(offers, turns):
    start = Quarter(2027, 1)
    quarter_list = [start]
    for _ in range(27):
        quarter_list.append(quarter_list[-1].next())
    volunteers = [Volunteer(c, quarter_list[i]) for c, i in offers]
    proposals = propose_hosts([], volunteers, [], start, 9 * turns, cities=CITIES)
    previous = None
    for turn in range(turns):
        block = proposals[9 * turn : 9 * turn + 9]
        assert sorted(p.host_id for p in block) == list(range(1, 10)), "once before twice"
        hosted: set[int] = set()
        for p in block:
            allowed = {v.city_id for v in volunteers if v.quarter == p.quarter} - hosted
            allowed.discard(previous)
            if allowed:
                assert p.host_id in allowed, f"{p.quarter}: a volunteer could have hosted"
            hosted.add(p.host_id)
            previous = p.host_id

"""Counts read right: one application, two applications, thousands grouped."""

from usrg_desktop.counting import counted, counted_plural, singular


def test_one_is_singular_and_the_rest_plural():
    assert counted(1, "application") == "1 application"
    assert counted(0, "application") == "0 applications"
    assert counted(2, "application") == "2 applications"
    assert counted(20_000, "application") == "20 000 applications"
    assert counted(1, "city", "cities") == "1 city"
    assert counted(3, "city", "cities") == "3 cities"


def test_the_lists_nouns_are_made_singular():
    assert singular("member cities") == "member city"
    assert singular("people") == "person"
    assert singular("audit events") == "audit event"
    assert singular("bodies") == "body"
    assert counted_plural(1, "applications") == "1 application"
    assert counted_plural(1234, "action items") == "1 234 action items"

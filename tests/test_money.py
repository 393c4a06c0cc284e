"""Amounts typed anywhere: rand in, cents out, and a sentence for anything that is not an amount."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from usrg_desktop.money import MAX_CENTS, cents_of, format_zar, parse_zar


@pytest.mark.parametrize(
    ("text", "cents"),
    [
        ("R 1 250 000,00", 125_000_000),
        ("1250000.00", 125_000_000),
        ("1 250 000", 125_000_000),
        ("R\u00a0250\u00a0000,5", 25_000_050),
        (",75", 75),
        ("0", 0),
        ("-0", 0),
        ("R 1 000 000 000 000,00", MAX_CENTS),
    ],
)
def test_amounts_as_people_type_them(text, cents):
    assert parse_zar(text) == cents


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("Infinity", "is not an amount in rand"),
        ("-Infinity", "is not an amount in rand"),
        ("NaN", "is not an amount in rand"),
        ("sNaN", "is not an amount in rand"),
        ("1e308", "is not an amount in rand"),
        ("1E2", "is not an amount in rand"),
        ("0x10", "is not an amount in rand"),
        ("1_000", "is not an amount in rand"),
        ("١٢٣", "is not an amount in rand"),
        ("R", "an amount is needed"),
        ("", "an amount is needed"),
        ("-5", "cannot be negative"),
        ("R -0,01", "cannot be negative"),
        ("1,001", "more than two decimals"),
        ("1.5.0", "is not an amount in rand"),
        ("1,5.0", "mixes ',' and '.'"),
        ("R 1 000 000 000 000,01", "is more than R 1 000 000 000 000,00"),
        ("9" * 5000, "is more than R 1 000 000 000 000,00"),
    ],
)
def test_what_is_not_an_amount_is_a_sentence(text, reason):
    with pytest.raises(ValueError, match="^") as refused:
        parse_zar(text)
    message = str(refused.value)
    assert reason in message
    assert len(message) < 160  # the typed text is quoted, never a page of it


@settings(max_examples=300)
@given(st.text(max_size=30) | st.decimals().map(str) | st.floats().map(repr))
def test_any_text_is_cents_or_a_value_error(text):
    try:
        cents = parse_zar(text)
    except ValueError as exc:
        assert str(exc)
    else:
        assert isinstance(cents, int) and 0 <= cents <= MAX_CENTS


@given(st.integers(min_value=0, max_value=MAX_CENTS))
def test_what_is_shown_reads_back(cents):
    assert parse_zar(format_zar(cents)) == cents


@pytest.mark.parametrize("value", ["Infinity", "NaN", "-1", "1e400", "0.001"])
def test_cents_of_a_spreadsheet_number(value):
    with pytest.raises(ValueError):
        cents_of(Decimal(value), value)

"""Rand amounts: integer cents in, en_ZA text out (R 1 250 000,00). Never a float."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

# The largest amount the program takes: far above any budget of the fund, far below what the
# BIGINT columns hold, so a typing slip ("1e308", a pasted account number) is a sentence.
MAX_CENTS = 1_000_000_000_000 * 100
# Digits with an optional part after one decimal point: no exponent, Infinity or NaN.
_PLAIN = re.compile(r"[0-9]+(\.[0-9]+)?|\.[0-9]+")


def format_zar(cents: int | None, *, symbol: bool = True) -> str:
    """Show cents as rand in the en_ZA style: `R 1 250 000,00` (space thousands, comma decimals)."""
    if cents is None:
        return ""
    sign = "-" if cents < 0 else ""
    rand, part = divmod(abs(int(cents)), 100)
    grouped = f"{rand:,}".replace(",", " ")
    text = f"{sign}{grouped},{part:02d}"
    return f"R {text}" if symbol else text


def _shown(text: str) -> str:
    # A sentence quotes what was typed, but never a whole page of it.
    text = text.strip()
    return text if len(text) <= 40 else text[:37] + "..."


def parse_zar(text: str) -> int:
    """Read an amount typed as `R 1 250 000,00`, `1250000.00` or `1 250 000` into cents.

    ValueError (whose message completes "The amount …") for anything else: no amount, letters,
    an exponent, Infinity or NaN, a negative amount, more than two decimals, or more than
    MAX_CENTS.
    """
    shown = _shown(text)
    cleaned = text.strip().replace("R", "", 1).replace("\u00a0", "").replace(" ", "")
    if not cleaned:
        raise ValueError("an amount is needed")
    if "," in cleaned and "." in cleaned:
        raise ValueError(f"'{shown}' mixes ',' and '.'; write R 1 250 000,00")
    cleaned = cleaned.replace(",", ".")
    if not _PLAIN.fullmatch(cleaned.removeprefix("-")):
        raise ValueError(f"'{shown}' is not an amount in rand")
    return cents_of(Decimal(cleaned), shown)


def cents_of(value: Decimal, shown: str) -> int:
    """Finite, non-negative rand with at most two decimals, as cents (see parse_zar)."""
    if not value.is_finite():
        raise ValueError(f"'{shown}' is not an amount in rand")
    if value < 0:
        raise ValueError(f"'{shown}' is below zero; an amount in rand cannot be negative")
    if value * 100 > MAX_CENTS:
        raise ValueError(f"'{shown}' is more than {format_zar(MAX_CENTS)}, larger than any grant")
    try:
        exact = value == value.quantize(Decimal("0.01"))
    except InvalidOperation:
        exact = False
    if not exact:
        raise ValueError(f"'{shown}' has more than two decimals (cents)")
    return int(value * 100)

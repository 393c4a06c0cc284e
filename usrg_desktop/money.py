"""Rand amounts: integer cents in, en_ZA text out (R 1 250 000,00). Never a float."""

from __future__ import annotations

from decimal import Decimal


def format_zar(cents: int | None, *, symbol: bool = True) -> str:
    """Show cents as rand in the en_ZA style: `R 1 250 000,00` (space thousands, comma decimals)."""
    if cents is None:
        return ""
    sign = "-" if cents < 0 else ""
    rand, part = divmod(abs(int(cents)), 100)
    grouped = f"{rand:,}".replace(",", " ")
    text = f"{sign}{grouped},{part:02d}"
    return f"R {text}" if symbol else text


def parse_zar(text: str) -> int:
    """Read an amount typed as `R 1 250 000,00`, `1250000.00` or `1 250 000` into cents."""
    cleaned = text.strip().replace("R", "", 1).replace("\u00a0", "").replace(" ", "")
    if not cleaned:
        raise ValueError("an amount is needed")
    if "," in cleaned and "." in cleaned:
        raise ValueError(f"'{text}' mixes ',' and '.'; write R 1 250 000,00")
    cleaned = cleaned.replace(",", ".")
    try:
        value = Decimal(cleaned)
    except ArithmeticError as exc:
        raise ValueError(f"'{text}' is not an amount in rand") from exc
    if value != value.quantize(Decimal("0.01")):
        raise ValueError(f"'{text}' has more than two decimals (cents)")
    return int(value * 100)

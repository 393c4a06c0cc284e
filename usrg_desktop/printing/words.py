"""Rand amounts in words, South African English, as award letters and acceptance slips write them.

British usage: "and" after hundreds ("two hundred and thirty-four") and before a last group
below one hundred ("one million and five"); short scale (a billion is a thousand million).
An amount under one rand keeps the rand: R 0,01 is "Zero rand and one cent", so the words
always name the same two units the figures do.
"""

from __future__ import annotations

_UNITS = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
]
_TENS = ["_", "_", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
_SCALES = ("", "thousand", "million", "billion", "trillion")


def _below_hundred(n: int) -> str:
    if n < 20:
        return _UNITS[n]
    tens, unit = divmod(n, 10)
    return _TENS[tens] + (f"-{_UNITS[unit]}" if unit else "")


def _below_thousand(n: int) -> str:
    hundreds, rest = divmod(n, 100)
    if not hundreds:
        return _below_hundred(rest)
    words = f"{_UNITS[hundreds]} hundred"
    return f"{words} and {_below_hundred(rest)}" if rest else words


def number_in_words(n: int) -> str:
    """A whole number from 0 up to 999 trillion in words ("one hundred and one")."""
    if n < 0:
        raise ValueError("a negative number has no words here")
    if n == 0:
        return "zero"
    groups: list[int] = []
    while n:
        n, group = divmod(n, 1000)
        groups.append(group)
    if len(groups) > len(_SCALES):
        raise ValueError("the number is too large to write in words")
    parts: list[str] = []
    for scale in range(len(groups) - 1, -1, -1):
        group = groups[scale]
        if not group:
            continue
        words = _below_thousand(group)
        if scale:
            words = f"{words} {_SCALES[scale]}"
        elif parts and group < 100:
            words = f"and {words}"
        parts.append(words)
    return " ".join(parts)


def rand_in_words(cents: int) -> str:
    """An amount in cents in words: 123456789 gives "One million two hundred and thirty-four
    thousand five hundred and sixty-seven rand and eighty-nine cents"."""
    if isinstance(cents, bool) or not isinstance(cents, int):
        raise TypeError("rand_in_words takes whole cents (an int)")
    if cents < 0:
        raise ValueError("an amount in words cannot be negative")
    rand, part = divmod(cents, 100)
    text = f"{number_in_words(rand)} rand"
    if part:
        text += f" and {number_in_words(part)} cent{'s' if part != 1 else ''}"
    return text[0].upper() + text[1:]

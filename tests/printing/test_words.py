"""Amounts in words, as the award letter and its acceptance slip write them."""

from __future__ import annotations

import pytest

from usrg_desktop.printing.words import number_in_words, rand_in_words


@pytest.mark.parametrize(
    ("cents", "words"),
    [
        (1, "Zero rand and one cent"),
        (2, "Zero rand and two cents"),
        (100, "One rand"),
        (101, "One rand and one cent"),
        (1_000_000_00, "One million rand"),
        (
            1_234_567_89,
            "One million two hundred and thirty-four thousand five hundred and sixty-seven rand "
            "and eighty-nine cents",
        ),
        (
            333_333_33,
            "Three hundred and thirty-three thousand three hundred and thirty-three rand and "
            "thirty-three cents",
        ),
        (
            166_666_67,
            "One hundred and sixty-six thousand six hundred and sixty-six rand and "
            "sixty-seven cents",
        ),
        (1_000_005_00, "One million and five rand"),
        (2_000_100_00, "Two million one hundred rand"),
        (250_000_00, "Two hundred and fifty thousand rand"),
        (0, "Zero rand"),
    ],
)
def test_rand_in_words(cents, words):
    assert rand_in_words(cents) == words


def test_number_in_words_scales_and_and():
    assert number_in_words(1_000_000_000) == "one billion"
    assert number_in_words(90_019) == "ninety thousand and nineteen"
    assert number_in_words(700) == "seven hundred"
    assert number_in_words(14) == "fourteen"


def test_rand_in_words_refuses_negative_and_floats():
    with pytest.raises(ValueError):
        rand_in_words(-1)
    with pytest.raises(TypeError):
        rand_in_words(12.5)  # type: ignore[arg-type]

"""Letters ready to sign, read back: every kind, short and long, with and without a signatory.

Rules checked on the PDF itself: all fonts embedded, no text drawn over text, the address where
a DL window envelope shows it, the closing paragraph on the page of "Yours sincerely", the slip
called "below", "overleaf" or "enclosed" as it really lands, the reference on the slip and on
page 2, a running head cut only between words, no-break dates and amounts, curly quotes."""

from __future__ import annotations

import io
import re
from dataclasses import replace
from datetime import date

import pytest
from PIL import Image

from usrg_desktop.printing.letter_layout import (
    NBSP,
    Signatory,
    curly_quotes,
    no_break,
    salutation,
    surname,
)
from usrg_desktop.printing.letters import AwardLetter, TemplateText, letter_pdf
from usrg_desktop.printing.styles import Letterhead
from usrg_desktop.workflows.letters.issuing import KINDS, default_template
from usrg_desktop.workflows.letters.letter_addressing import organisation_in_sentence
from usrg_desktop.workflows.letters.letter_previews import sample_letter

from .letter_checks import font_problems, overlapping_words, page_texts, words_on

LETTERHEAD = Letterhead(
    "SACN Urban Safety Reference Group",
    "South African Cities Network\nUrban Safety Reference Group\n"
    "urbansafety@sacities.net · Tel +27 (0)11 407 6471",
    "www.sacities.net · www.saferspaces.org.za",
)
DAY = date(2026, 12, 7)
MM = 72 / 25.4


def signature_png() -> bytes:
    image = Image.new("RGBA", (360, 110), (255, 255, 255, 0))
    for x in range(20, 340):
        image.putpixel((x, 55 + (x % 40) - 20), (20, 30, 90, 255))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


SIGNATORY = Signatory(
    "Nomvula Dlamini", "USRG Coordinator", "the South African Cities Network", signature_png()
)


def letter(kind: str, *, signatory: Signatory | None = None, conditions: int = 2, postal=""):
    made = sample_letter(kind, DAY)
    header = replace(
        made.header,
        signatory=signatory,
        addressee=replace(made.header.addressee, honorific="Ms", postal_address=postal),
    )
    made = replace(made, header=header)
    if isinstance(made, AwardLetter):
        made = replace(
            made,
            conditions="\n".join(
                f"Condition {n}: report on the marshals' hours, the routes walked and the "
                f"incidents on them every month, in the form the secretariat sends."
                for n in range(1, conditions + 1)
            ),
        )
    return made


def every_letter():
    for kind in KINDS:
        for signatory in (None, SIGNATORY):
            yield kind, signatory, 2
    for conditions in (0, 5, 9, 14, 20):
        yield "award", SIGNATORY, conditions


@pytest.mark.parametrize(("kind", "signatory", "conditions"), list(every_letter()))
def test_every_letter_can_be_signed_as_printed(kind, signatory, conditions):
    made = letter(kind, signatory=signatory, conditions=conditions)
    pdf = letter_pdf(made, default_template(kind), LETTERHEAD)
    pages = page_texts(pdf)
    assert font_problems(pdf) == []
    assert b"Helvetica" not in pdf
    assert overlapping_words(pdf) == []
    # The closing paragraph is on the page that says "Yours sincerely".
    closing = [n for n, text in enumerate(pages) if "Yours sincerely" in text]
    assert len(closing) == 1
    last_words = {
        "award": "the first tranche is paid once it is signed.",
        "acknowledgement": "when screening is complete.",
        "ineligible": "welcome to apply to a later round.",
        "decline": "encourage you to apply again.",
    }[kind]
    assert last_words in pages[closing[0]]
    if signatory:
        assert (
            "Nomvula Dlamini USRG Coordinator For and on behalf of the South African Cities"
            in (pages[closing[0]])
        )
    # Greeted by honorific and surname.
    assert "Dear Ms Ṋemaṅḽa" in pages[0]
    # Page 2 (if any) carries the letter's reference in its running head, cut between words.
    for text in pages[1:]:
        head = text.split(" www.sacities.net")[0]
        assert made.header.letter_reference in head
        shown = head.split(" · ", 1)[1]
        assert shown.endswith("…") or shown.endswith("Municipality")
        assert shown.removesuffix("…").split()[-1] in made.header.addressee.applicant_name.split()
    if kind == "award":
        slip = next(n for n, text in enumerate(pages) if "Acceptance of grant" in text)
        said = next(n for n, text in enumerate(pages) if "acceptance slip" in text)
        word = re.search(r"acceptance slip (\w+)", pages[said]).group(1)
        expected = (
            "below"
            if slip == said
            else "overleaf"
            if slip == said + 1 and said % 2 == 0
            else "enclosed"
        )
        assert word == expected, (said, slip, word)
        assert f"Our reference: {made.header.letter_reference}" in pages[slip]


def test_a_long_award_letter_says_overleaf_and_a_short_one_below():
    brief = TemplateText(
        "award", 0, "Award", "Please sign the acceptance slip below.\n\nYours sincerely"
    )
    short = letter_pdf(letter("award", conditions=0), brief, LETTERHEAD)
    assert len(page_texts(short)) == 1
    assert "acceptance slip below" in page_texts(short)[0]
    # The shipped template: the sentence ends page 1, the slip does not fit under it.
    full = letter_pdf(letter("award", conditions=0), default_template("award"), LETTERHEAD)
    pages = page_texts(full)
    assert "acceptance slip overleaf" in pages[0] and "Acceptance of grant" in pages[1]


def test_the_address_sits_in_the_window_of_a_dl_envelope():
    postal = "Private Bag X1049\nGermiston\n1400"
    made = letter("award", postal=postal)
    long_name = "City of Ekurhuleni Metropolitan Municipality"
    made = replace(
        made,
        header=replace(
            made.header, addressee=replace(made.header.addressee, applicant_name=long_name)
        ),
    )
    pdf = letter_pdf(made, default_template("award"), LETTERHEAD)
    words = words_on(pdf, 1)
    names = {"Ṱhalitshani", "Germiston", "1400", "Bag", "Metropolitan", "Municipality"}
    block = [w for w in words if w["text"] in names and w["top"] < 90 * MM]
    assert len(block) == 6
    for word in block:
        # 22 mm from the left and at most 66 mm wide: inside the window however the sheet sits.
        assert word["x0"] >= 20 * MM and word["x1"] <= 88 * MM
        assert word["top"] >= 54 * MM and word["bottom"] <= 84 * MM
    # With a postal address known, the e-mail address leaves the address block.
    assert "t.nemangla@joburg.org.za" not in page_texts(pdf)[0]


def test_dates_and_amounts_do_not_split_and_quotes_are_curly():
    assert no_break("on 6 December 2026 for R 1 234 567,89.") == (
        f"on 6{NBSP}December{NBSP}2026 for R{NBSP}1{NBSP}234{NBSP}567,89."
    )
    assert curly_quotes('the "Safer routes" project\'s plan') == (
        "the \u201cSafer routes\u201d project\u2019s plan"
    )
    template = TemplateText(
        "decline", 0, "Outcome", 'Dear {contact_name}\n\n"{title}" was not funded on {date}.'
    )
    pdf = letter_pdf(letter("decline"), template, LETTERHEAD)
    text = page_texts(pdf)[0]
    assert "\u201cSafer routes to school" in text and '"' not in text.split("Outcome")[1]


@pytest.mark.parametrize(
    ("official", "short", "in_sentence"),
    [
        ("City of Ekurhuleni Metropolitan Municipality", "Ekurhuleni", "the City of Ekurhuleni"),
        ("City of Cape Town Metropolitan Municipality", "Cape Town", "the City of Cape Town"),
        ("eThekwini Metropolitan Municipality", "eThekwini",
         "the eThekwini Metropolitan Municipality"),
        ("Msunduzi Local Municipality", "Msunduzi", "the Msunduzi Local Municipality"),
        ("South African Local Government Association", "SALGA", "SALGA"),
        ("Civilian Secretariat for Police Service", "CSPS", "CSPS"),
        ("National Treasury", "National Treasury", "the National Treasury"),
        ("Department of Social Development", "DSD", "DSD"),
    ],
)  # fmt: skip
def test_organisations_are_named_as_a_sentence_names_them(official, short, in_sentence):
    assert organisation_in_sentence(official, short) == in_sentence


def test_salutations_use_the_honorific_and_the_family_name():
    assert salutation("Thandeka Moodley", "Ms") == "Ms Moodley"
    assert salutation("Pieter van der Merwe", "Cllr") == "Cllr van der Merwe"
    assert salutation("Ṱhalitshani Ḓivhani Ṋemaṅḽa", "Dr") == "Dr Ṋemaṅḽa"
    assert salutation("Tsakani Maluleke", "") == "Tsakani Maluleke"
    assert salutation("", "") == "Sir or Madam"
    assert surname("Sipho") == "Sipho"

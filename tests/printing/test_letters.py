"""Letters read back with pypdf: names as written, amounts in figures and words, every tranche,
page numbers when a letter runs over, and the same bytes for the same letter."""

from __future__ import annotations

import io
import re
from dataclasses import replace
from datetime import date

import pytest
from PIL import Image
from pypdf import PdfReader

from usrg_desktop.printing.letters import (
    AcknowledgementLetter,
    Addressee,
    AwardLetter,
    DeclineLetter,
    IneligibilityLetter,
    LetterHeader,
    MilestoneLine,
    TemplateText,
    TrancheLine,
    acknowledgement_pdf,
    award_letter_pdf,
    decline_letter_pdf,
    ineligibility_pdf,
    letter_from_data,
    letter_to_data,
    placeholders_in,
)
from usrg_desktop.printing.styles import Letterhead
from usrg_desktop.workflows.letters.issuing import default_template

NAME = "Ms Ṱhalitshani Ḓivhani Ṋemaṅḽa"
TITLE_TEXT = "Manager: Safety (Pretorius-Kêrël, Môrê, Šoba)"
LETTERHEAD = Letterhead(
    "SACN Urban Safety Reference Group",
    "South African Cities Network\nurbansafety@sacities.net · Tel +27 (0)11 407 6471",
    "www.sacities.net · www.saferspaces.org.za",
)
ADDRESSEE = Addressee(
    reference="USRG-IF-2026-1-003",
    title="Safer walking routes to school in Ṱhohoyandou",
    applicant_name="City of Johannesburg Metropolitan Municipality",
    contact_name=NAME,
    contact_title=TITLE_TEXT,
    contact_email="t.nemangla@joburg.org.za",
    round_name="Innovation Fund 2026 Round 1",
)
HEADER = LetterHeader("USRG-IF-2026-1-003/AWD", date(2026, 11, 25), ADDRESSEE)
TRANCHES = (
    TrancheLine(1, "signature", 50, 617_283_95, date(2026, 12, 25)),
    TrancheLine(2, "interim report", 40, 493_827_15, date(2027, 5, 25)),
    TrancheLine(3, "final report", 10, 123_456_79, date(2027, 11, 25)),
)
MILESTONES = (
    MilestoneLine("interim report", date(2027, 5, 25)),
    MilestoneLine("final report", date(2027, 11, 25)),
)


def award(conditions: str = "Submit a revised monitoring plan within 30 days.") -> AwardLetter:
    return AwardLetter(
        HEADER,
        award_number="USRG-AW-2026-003",
        amount_cents=1_234_567_89,
        conditions=conditions,
        tranches=TRANCHES,
        milestones=MILESTONES,
        reply_by=date(2026, 12, 25),
    )


def pages_text(pdf: bytes) -> list[str]:
    """Each page's text with every run of white space (line ends, no-break spaces) as one space."""
    reader = PdfReader(io.BytesIO(pdf))
    return [re.sub(r"\s+", " ", page.extract_text()) for page in reader.pages]


def test_award_letter_reads_back_with_name_amounts_and_every_tranche():
    pdf = award_letter_pdf(award(), default_template("award"), LETTERHEAD)
    pages = pages_text(pdf)
    text = " ".join(pages)
    assert NAME in pages[0]
    assert f"Dear {NAME}" in text
    assert TITLE_TEXT in text
    assert "Ṱhohoyandou" in text
    assert "R 1 234 567,89" in text
    assert (
        "One million two hundred and thirty-four thousand five hundred and sixty-seven rand and "
        "eighty-nine cents" in text
    )
    for amount, due in (
        ("R 617 283,95", "25 December 2026"),
        ("R 493 827,15", "25 May 2027"),
        ("R 123 456,79", "25 November 2027"),
    ):
        assert re.search(rf"{amount} {due}", text), (amount, due)
    assert "Total award 100 % R 1 234 567,89" in text
    assert "Submit a revised monitoring plan within 30 days." in text
    assert "Interim report 25 May 2027" in text
    assert "Acceptance of grant USRG-AW-2026-003" in text
    assert "Please return this slip by 25 December 2026" in text
    assert "USRG-IF-2026-1-003/AWD" in pages[0]
    # The letter runs over one page: every page is numbered, out of the total.
    assert len(pages) == 2
    assert "Page 1 of 2" in pages[0] and "Page 2 of 2" in pages[1]


SHORT_AWARD = TemplateText(
    "award",
    1,
    "Grant award {award_number}",
    "Dear {contact_name}\n\nThe panel awarded {amount} ({amount_in_words}).\n\n"
    "Conditions of the grant:\n{conditions}\n\nYours sincerely\nUSRG Secretariat",
)


def test_short_letter_is_one_page_without_page_numbers():
    pdf = award_letter_pdf(award(), SHORT_AWARD, LETTERHEAD)
    pages = pages_text(pdf)
    assert len(pages) == 1
    assert "Page 1" not in pages[0]
    assert "The panel awarded R 1 234 567,89 (One million two hundred" in pages[0]


def test_long_conditions_continue_on_page_two_with_page_numbers():
    conditions = "\n".join(
        f"Condition {n}: the grantee reports on the safety audit of ward {n} to the city's "
        "community safety forum and to the USRG secretariat, with the minutes of the meeting."
        for n in range(1, 19)
    )
    pdf = award_letter_pdf(award(conditions), SHORT_AWARD, LETTERHEAD)
    pages = pages_text(pdf)
    assert len(pages) == 2
    assert "Page 1 of 2" in pages[0]
    assert "Page 2 of 2" in pages[1]
    assert "Condition 1:" in pages[0]
    assert "Condition 18:" in pages[1]
    # Later pages carry a running head naming the letter.
    assert "USRG-IF-2026-1-003/AWD" in pages[1]


def test_a_very_long_letter_never_fails_to_lay_out():
    unbroken = "x" * 400  # one word wider than the page
    conditions = "\n".join([unbroken] + [f"Condition {n} " * 30 for n in range(60)])
    long_title = replace(ADDRESSEE, title="A very long project title " * 30)
    letter = replace(award(conditions), header=replace(HEADER, addressee=long_title))
    pdf = award_letter_pdf(letter, default_template("award"), LETTERHEAD)
    pages = pages_text(pdf)
    assert len(pages) >= 4
    assert f"Page {len(pages)} of {len(pages)}" in pages[-1]


def test_same_letter_gives_the_same_bytes_and_a_changed_one_does_not():
    template = default_template("award")
    first = award_letter_pdf(award(), template, LETTERHEAD)
    again = award_letter_pdf(letter_from_data(letter_to_data(award())), template, LETTERHEAD)
    assert first == again
    later = replace(award(), header=replace(HEADER, issued_on=date(2026, 11, 26)))
    assert award_letter_pdf(later, template, LETTERHEAD) != first


def test_other_kinds_print_their_own_facts():
    ack_header = replace(HEADER, letter_reference="USRG-IF-2026-1-003/ACK")
    ack = AcknowledgementLetter(ack_header, date(2026, 3, 2), 450_000_00)
    text = " ".join(
        pages_text(acknowledgement_pdf(ack, default_template("acknowledgement"), LETTERHEAD))
    )
    assert "submitted on 2 March 2026 for R 450 000,00" in text
    assert NAME in text

    reasons = "The letter of support from the head of department was not attached."
    ine = IneligibilityLetter(replace(HEADER, letter_reference="X/INE"), reasons)
    text = " ".join(pages_text(ineligibility_pdf(ine, default_template("ineligible"), LETTERHEAD)))
    assert reasons in text and "did not pass screening" in text

    feedback = "A clearer plan for measuring safety outcomes & <costs> would strengthen it."
    dec = DeclineLetter(replace(HEADER, letter_reference="X/DEC"), "Ranked lower.", feedback)
    pages = pages_text(decline_letter_pdf(dec, default_template("decline"), LETTERHEAD))
    assert len(pages) == 1
    assert feedback in pages[0]


def test_a_template_of_another_kind_is_refused():
    with pytest.raises(ValueError):
        award_letter_pdf(award(), default_template("decline"), LETTERHEAD)


def test_block_placeholders_inside_a_sentence_print_as_text():
    template = TemplateText(
        "award", 1, "Award", "Payments: {tranche_schedule}. Reports: {reporting_duties}."
    )
    text = " ".join(pages_text(award_letter_pdf(award(), template, LETTERHEAD)))
    assert "50 % (R 617 283,95) on signature of the grant agreement, due 25 December 2026" in text
    assert "the final report by 25 November 2027" in text


def test_logo_is_drawn_on_the_first_page_only():
    buffer = io.BytesIO()
    Image.new("RGB", (240, 80), (0, 96, 107)).save(buffer, "PNG")
    letterhead = replace(LETTERHEAD, logo_png=buffer.getvalue())
    pdf = award_letter_pdf(award(), default_template("award"), letterhead)
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages[0].images) == 1
    assert len(reader.pages[1].images) == 0
    assert pdf == award_letter_pdf(award(), default_template("award"), letterhead)


def test_placeholders_in_lists_each_name_once():
    assert placeholders_in("{a} {b} {a} {c}") == ["a", "b", "c"]

"""How letters address a person: an honorific for "Dear Ms Maluleke" and a postal address in the
envelope's window, set by the secretariat, emptied when the person is anonymised, and part of
the person's access export."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime

import pytest
from pypdf import PdfReader

from usrg_desktop.domain.grants import Application
from usrg_desktop.workflows import PermissionDenied, WorkflowError
from usrg_desktop.workflows.directory.directory_people import anonymise_person, export_person
from usrg_desktop.workflows.letters import issuing as wl
from usrg_desktop.workflows.letters import letter_addressing as la

from .test_applications import ADMIN, COORD, STAFF, make_round
from .test_letters import to_state

NOW = datetime(2026, 12, 7, 8, 0, tzinfo=UTC)


def text_of(pdf: bytes) -> str:
    pages = PdfReader(io.BytesIO(pdf)).pages
    return re.sub(r"\s+", " ", " ".join(p.extract_text() for p in pages))


def test_honorific_and_postal_address_reach_the_letter(any_db):
    with any_db.unit_of_work() as s:
        rnd = make_round(s)
        app_id = to_state(s, rnd, "submitted")
        person_id = s.get(Application, app_id).contact_person_id
        details = la.set_letter_details(
            s,
            person_id=person_id,
            actor=STAFF,
            now=NOW,
            honorific=" Dr ",
            postal_address="Private Bag X1069\n\n  Germiston  \n1400\n",
        )
    assert details == ("Dr", "Private Bag X1069\nGermiston\n1400")
    with any_db.unit_of_work() as s:
        letter_id = wl.issue_letter(
            s, application_id=app_id, kind="acknowledgement", actor=STAFF, now=NOW
        )
        text = text_of(wl.reprint(s, letter_id))
    assert "Dear Dr Maḽaba" in text
    assert "Dr Ḓivhani Maḽaba" in text and "Private Bag X1069 Germiston 1400" in text
    events = any_db.rows("SELECT detail FROM audit_events WHERE action = 'set_letter_details'")
    assert events == [("honorific, postal address",)]  # no personal data in the audit log


def test_bad_details_and_roles_are_refused_in_one_sentence(any_db):
    with any_db.unit_of_work() as s:
        rnd = make_round(s)
        person_id = s.get(Application, to_state(s, rnd, "submitted")).contact_person_id
    cases = [
        (COORD, {"honorific": "Ms"}, PermissionDenied, "secretariat"),
        (STAFF, {"honorific": "The Honourable Member of"}, WorkflowError, "longer than 20"),
        (STAFF, {"postal_address": "1\n2\n3\n4\n5\n6"}, WorkflowError, "has 6 lines"),
        (STAFF, {"postal_address": "x" * 61}, WorkflowError, "longer than 60 characters"),
    ]
    for actor, changes, error, message in cases:
        with any_db.unit_of_work() as s, pytest.raises(error, match=message):
            la.set_letter_details(s, person_id=person_id, actor=actor, now=NOW, **changes)
    with any_db.unit_of_work() as s:
        assert la.letter_details(s, person_id) == ("", "")


def test_anonymising_empties_them_and_the_access_export_has_them(any_db):
    with any_db.unit_of_work() as s:
        rnd = make_round(s)
        person_id = s.get(Application, to_state(s, rnd, "submitted")).contact_person_id
        la.set_letter_details(
            s, person_id=person_id, actor=STAFF, now=NOW, honorific="Ms", postal_address="PO Box 1"
        )
    with any_db.unit_of_work() as s:
        exported = export_person(s, person_id, actor=ADMIN)
    assert exported["person"]["honorific"] == "Ms"
    assert exported["person"]["postal_address"] == "PO Box 1"
    with any_db.unit_of_work() as s:
        anonymise_person(s, person_id=person_id, actor=ADMIN, now=NOW, reason="Request of 1 Dec")
    with any_db.unit_of_work() as s:
        assert la.letter_details(s, person_id) == ("", "")
        with pytest.raises(WorkflowError, match="anonymised person gets no letters"):
            la.set_letter_details(s, person_id=person_id, actor=STAFF, now=NOW, honorific="Ms")

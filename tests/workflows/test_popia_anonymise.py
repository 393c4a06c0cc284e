"""POPIA that holds: an anonymised person is found nowhere in the database, and the audit log
still verifies.

The person is a reviewer whose scores files were imported and replaced, a staff user who did
things, a presenter on an agenda, named in minutes, and the contact to whom a letter went. After
anonymising, a full dump of the database (SQLite's iterdump; on PostgreSQL every text column of
every table) holds neither their name, nor their e-mail address, nor their username, `usrg db
verify` passes, and the letter re-prints in its anonymised form.
"""

from __future__ import annotations

import io
import re
import sqlite3
from datetime import datetime, timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import select, text

from tests.workflows.review_exchange_support import busiest_packet, export_all, filled_session
from usrg_desktop import cli
from usrg_desktop.domain.awards import IssuedLetter
from usrg_desktop.domain.grants import Application
from usrg_desktop.workflows import Actor, WorkflowError
from usrg_desktop.workflows.directory.directory_people import anonymise_person, export_person
from usrg_desktop.workflows.letters import issuing as wl
from usrg_desktop.workflows.meetings.agenda import add_agenda_item
from usrg_desktop.workflows.meetings.minutes import record_minutes
from usrg_desktop.workflows.reviews.scores_file import REPLACED, import_scores
from usrg_desktop.workflows.system.accounts import add_user, switch_off_user
from usrg_desktop.workflows.system.audit_trail import verify_chain

NOW = datetime(2026, 11, 25, 12, 0)
WRITTEN = datetime(2026, 11, 25, 9, 30)


def _admin(db) -> Actor:
    user_id, name = db.rows("SELECT id, display_name FROM users WHERE username = 'admin'")[0]
    return Actor(user_id, name, "administrator")


def _dump(db) -> str:
    """Every value the database holds, as text."""
    if db.is_sqlite:
        db.dispose()
        with sqlite3.connect(db.path) as raw:
            return "\n".join(raw.iterdump())
    columns = db.rows(
        "SELECT table_name, column_name FROM information_schema.columns "
        "WHERE table_schema = 'public' AND data_type IN ('text', 'character varying')"
    )
    values = []
    for table, column in columns:
        values += [str(r[0]) for r in db.rows(f'SELECT "{column}" FROM "{table}"')]
    return "\n".join(values)


def _text_of(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return re.sub(r"\s+", " ", " ".join(p.extract_text() for p in reader.pages))


@pytest.fixture
def everywhere(any_demo_db, tmp_path):
    """A reviewer who is also a staff user, a presenter, minuted and a letter's addressee."""
    db = any_demo_db
    admin = _admin(db)
    packet = busiest_packet(export_all(db, tmp_path / "packets", admin))
    person_id, name, email = db.rows(
        "SELECT p.id, p.full_name, p.email FROM people p JOIN reviewers r ON r.person_id = p.id "
        "WHERE r.id = :r",
        {"r": packet.reviewer_id},
    )[0]
    assert db.rows("SELECT COUNT(*) FROM people WHERE full_name = :n", {"n": name}) == [(1,)]
    username = re.sub(r"[^a-z]", "", name.lower())[:20]
    with db.unit_of_work() as s:
        user_id = add_user(
            s,
            username=username,
            display_name=name,
            password="a long password",
            role="secretariat",
            person_id=person_id,
            actor=admin,
            now=NOW,
        )
    me = Actor(user_id, name, "secretariat")
    # Their own scores files, imported and then replaced, by themselves as staff.
    session = filled_session(packet, tmp_path / "autosave")
    first, _, _ = session.write_scores_file(tmp_path / "one", now=WRITTEN)
    second, _, _ = session.write_scores_file(tmp_path / "two", now=WRITTEN + timedelta(hours=1))
    for path in (first, second):
        with db.unit_of_work() as s:
            result = import_scores(s, path, actor=me, now=NOW)
    assert result.status == REPLACED
    meeting_id = db.rows("SELECT id FROM meetings WHERE status = 'planned' ORDER BY number")[0][0]
    with db.unit_of_work() as s:
        item_id = add_agenda_item(
            s,
            meeting_id=meeting_id,
            actor=me,
            now=NOW,
            day=1,
            kind="discussion",
            title="Reviewing for the fund",
            duration_minutes=30,
            presenter=f"{name} (reviewer)",
        )
        record_minutes(
            s,
            meeting_id=meeting_id,
            agenda_item_id=item_id,
            text=f"{name.upper()} explained the rubric; write to {email} with questions.",
            actor=me,
            now=NOW,
        )
        app = s.scalars(
            select(Application).where(Application.state == "declined").order_by(Application.id)
        ).first()
        app.contact_person_id = person_id
        s.flush()
        letter_id = wl.issue_letter(s, application_id=app.id, kind="decline", actor=me, now=NOW)
    return db, person_id, name, email, username, user_id, letter_id, item_id


def test_an_anonymised_person_is_found_nowhere_and_the_log_still_verifies(everywhere, capsys):
    db, person_id, name, email, username, user_id, letter_id, item_id = everywhere
    before = _dump(db)
    assert name in before and email in before and username in before
    admin = _admin(db)
    with db.unit_of_work() as s:
        reference = s.get(IssuedLetter, letter_id).reference
        # The access export names everything that names them, the letter included.
        export = export_person(s, person_id)
        assert [letter["reference"] for letter in export["letters"]] == [reference]
        assert export["letters"][0]["data"]["header"]["addressee"]["contact_email"] == email
        assert item_id in [row["id"] for row in export["named_in"]["agenda_items"]]
        assert "minutes" in export["named_in"]
        switch_off_user(s, user_id=user_id, actor=admin, now=NOW)
        placeholder = anonymise_person(
            s, person_id=person_id, reason="POPIA request of 2026-11-20", actor=admin, now=NOW
        )
    after = _dump(db)
    for needle in (name, email, username):
        assert needle.lower() not in after.lower(), needle
    assert placeholder in after
    # The log verifies, with the redacted events listed by the anonymisation.
    with db.reading() as s:
        check = verify_chain(s)
    assert check.ok and check.redacted >= 4, check
    assert cli.main(["db", "verify", "--database", db.url]) == 0, capsys.readouterr().err
    assert f"({check.redacted} with names taken out by an anonymisation)" in capsys.readouterr().out
    # A re-print prints the anonymised form, and its hash is the register's.
    with db.unit_of_work() as s:
        printed = _text_of(wl.reprint(s, letter_id))
    assert placeholder in printed and name not in printed and email not in printed
    # The anonymising event keeps the letter's SHA-256 as issued, so the copy sent is provable.
    detail = db.rows(
        "SELECT detail FROM audit_events WHERE action = 'anonymise' AND entity_id = :p",
        {"p": person_id},
    )[0][0]
    assert f"{reference} SHA-256 as issued" in detail and "redacted audit events: " in detail


def test_the_reason_may_not_name_the_person(everywhere):
    db, person_id, name, _email, _username, user_id, _letter_id, _item_id = everywhere
    admin = _admin(db)
    with db.unit_of_work() as s:
        switch_off_user(s, user_id=user_id, actor=admin, now=NOW)
    with pytest.raises(WorkflowError, match="The reason names the person"), db.unit_of_work() as s:
        anonymise_person(
            s, person_id=person_id, reason=f"Asked by {name} by phone", actor=admin, now=NOW
        )


def test_the_database_allows_redaction_and_nothing_else(any_demo_db, capsys):
    db = any_demo_db
    event_id = db.rows("SELECT MIN(id) FROM audit_events WHERE action = 'approve'")[0][0]
    # Changing a fact while clearing the salt, or a name while keeping it: refused.
    for statement in (
        "UPDATE audit_events SET personal_salt = NULL, action = 'decline' WHERE id = :id",
        "UPDATE audit_events SET actor_name = 'Someone Else' WHERE id = :id",
        "UPDATE audit_events SET personal_salt = NULL, chain_hash = 'x' WHERE id = :id",
    ):
        with pytest.raises(Exception, match="append-only"), db.unit_of_work() as s:
            s.execute(text(statement), {"id": event_id})
    # A redaction no anonymisation lists: allowed by the database, named by verify.
    with db.unit_of_work() as s:
        s.execute(
            text(
                "UPDATE audit_events SET personal_salt = NULL, actor_name = 'Someone Else' "
                "WHERE id = :id"
            ),
            {"id": event_id},
        )
    assert cli.main(["db", "verify", "--database", db.url]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"Audit event {event_id} (approve of ")
    assert "no anonymisation lists it" in err

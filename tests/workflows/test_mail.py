"""E-mail: .eml drafts read back with `email` (the PDF with pypdf, the .ics with icalendar), real
messages received by a local SMTP server, failures recorded with their reason, the outbox and
the records' history, and nothing half-written."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime
from email import policy
from email.parser import BytesParser
from pathlib import Path

import pytest
from icalendar import Calendar
from pypdf import PdfReader
from sqlalchemy import text

from tests.mail_support import MailHandler, free_port, password_checker, use_memory_keyring
from tests.workflows.review_exchange_support import current_round_id, staff
from usrg_desktop.workflows import PermissionDenied, WorkflowError
from usrg_desktop.workflows.letters.issuing import issue_letter
from usrg_desktop.workflows.mail import mail_messages as mm
from usrg_desktop.workflows.mail import mail_server as ms
from usrg_desktop.workflows.mail import mail_templates as mt
from usrg_desktop.workflows.mail.outbox import outbox_listing, send_messages, write_drafts
from usrg_desktop.workflows.meetings import attendance
from usrg_desktop.workflows.reviews.review_packets import read_packet
from usrg_desktop.workflows.system.audit_trail import verify_chain

NOW = datetime(2026, 11, 25, 8, 30, tzinfo=UTC)
TODAY = date(2026, 11, 25)
DRAFTS = ms.MailServer()  # no server: the sender is the secretariat's address


def _parse(path: Path):
    return BytesParser(policy=policy.default).parsebytes(path.read_bytes())


def _issued_award_letter(db) -> int:
    actor = staff(db)
    app_id = db.rows("SELECT id FROM applications WHERE state = 'approved' ORDER BY id")[0][0]
    with db.unit_of_work() as session:
        return issue_letter(session, application_id=app_id, kind="award", actor=actor, now=NOW)


def _outbox(db) -> list[tuple]:
    return db.rows(
        "SELECT kind, status, recipient_email, reason, entity, entity_id FROM outbox_messages "
        "ORDER BY id"
    )


@pytest.fixture
def smtp_server():
    """A real SMTP server on 127.0.0.1 in this process (aiosmtpd); yields (handler, port)."""
    from aiosmtpd.controller import Controller

    handler = MailHandler()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield handler, port
    finally:
        controller.stop()


def _plain_server(port: int, **changes) -> ms.MailServer:
    values = {"host": "127.0.0.1", "port": port, "security": "none", "user": ""}
    return ms.MailServer(**(values | changes))


# -- drafts ---------------------------------------------------------------------------------------
def test_a_letter_draft_opens_as_an_unsent_message_with_the_letter_pdf(any_demo_db, tmp_path):
    db = any_demo_db
    letter_id = _issued_award_letter(db)
    actor = staff(db)
    with db.unit_of_work() as session:
        messages = mm.letter_messages(session, letter_ids=[letter_id], actor=actor)
        reference, email_to = session.execute(
            text(
                "SELECT il.reference, p.email FROM issued_letters il "
                "JOIN applications a ON a.id = il.application_id "
                "JOIN people p ON p.id = a.contact_person_id WHERE il.id = :i"
            ),
            {"i": letter_id},
        ).one()
    result = write_drafts(
        db, messages, out_dir=tmp_path / "drafts", server=DRAFTS, actor=actor, now=NOW
    )
    assert not result.failed and len(result.done) == 1
    files = list((tmp_path / "drafts").iterdir())
    assert [f.suffix for f in files] == [".eml"]
    draft = _parse(files[0])
    assert draft["X-Unsent"] == "1"
    assert draft["To"].addresses[0].addr_spec == email_to
    assert draft["From"].addresses[0].addr_spec == ms.DEFAULT_SENDER
    assert reference in draft["Subject"]
    body = draft.get_body(("plain",)).get_content()
    assert reference in body and actor.name in body
    (attachment,) = list(draft.iter_attachments())
    assert attachment.get_content_type() == "application/pdf"
    pdf = PdfReader(io.BytesIO(attachment.get_content()))
    assert reference in "".join(page.extract_text() for page in pdf.pages)
    # The outbox and the application's history say what was drafted; the chain still verifies.
    ((kind, status, to, reason, entity, _entity_id),) = _outbox(db)
    assert (kind, status, to, reason, entity) == ("letter", "drafted", email_to, "", "application")
    events = db.rows("SELECT detail FROM audit_events WHERE action = 'email_drafted'")
    assert len(events) == 1 and reference in events[0][0] and email_to in events[0][0]
    with db.reading() as session:
        assert verify_chain(session).ok
    listing = outbox_listing(db)
    assert listing.rows[0][2] == "drafted" and str(files[0]) in listing.rows[0][8]


def test_invitation_drafts_carry_the_meetings_calendar_file_one_per_person(any_demo_db, tmp_path):
    db = any_demo_db
    actor = staff(db)
    meeting_id = db.rows("SELECT id FROM meetings WHERE status = 'planned' ORDER BY starts_on")[0][
        0
    ]
    with db.unit_of_work() as session:
        attendance.invite_focal_persons(session, meeting_id=meeting_id, actor=actor, now=NOW)
    with db.unit_of_work() as session:
        messages = mm.invitation_messages(
            session, meeting_id=meeting_id, actor=actor, now=NOW, today=TODAY
        )
    number = str(db.rows("SELECT number FROM meetings WHERE id = :m", {"m": meeting_id})[0][0])
    invited = db.rows(
        "SELECT p.email FROM invitations i JOIN people p ON p.id = i.person_id "
        "WHERE i.meeting_id = :m",
        {"m": meeting_id},
    )
    result = write_drafts(
        db, messages, out_dir=tmp_path / "out", server=DRAFTS, actor=actor, now=NOW
    )
    drafts = sorted((tmp_path / "out").glob("*.eml"))
    assert len(drafts) == len(result.done) == len([e for (e,) in invited if e])
    seen = set()
    for path in drafts:
        draft = _parse(path)
        seen.add(draft["To"].addresses[0].addr_spec)
        (ics,) = [a for a in draft.iter_attachments() if a.get_content_type() == "text/calendar"]
        calendar = Calendar.from_ical(ics.get_content())
        events = [c for c in calendar.walk("VEVENT")]
        assert len(events) == 3
        assert all(f"usrg-meeting-id{meeting_id}-" in str(e["UID"]) for e in events)
        (agenda,) = [
            a for a in draft.iter_attachments() if a.get_content_type() == "application/pdf"
        ]
        agenda_text = PdfReader(io.BytesIO(agenda.get_content())).pages[0].extract_text()
        assert f"USRG Meeting {number}: agenda" in agenda_text
    assert seen == {e for (e,) in invited if e}


def test_a_person_without_an_address_is_a_failure_with_its_reason_and_no_file(demo_db, tmp_path):
    db = demo_db
    actor = staff(db)
    meeting_id = db.rows("SELECT id FROM meetings WHERE status = 'planned' ORDER BY starts_on")[0][
        0
    ]
    with db.unit_of_work() as session:
        attendance.invite_focal_persons(session, meeting_id=meeting_id, actor=actor, now=NOW)
        messages = mm.invitation_messages(
            session, meeting_id=meeting_id, actor=actor, now=NOW, today=TODAY, with_agenda=False
        )
    nobody = messages[0].__class__(**(messages[0].__dict__ | {"recipient_email": ""}))
    bad = messages[1].__class__(**(messages[1].__dict__ | {"recipient_email": "no at sign"}))
    result = write_drafts(
        db,
        [nobody, bad, *messages[2:]],
        out_dir=tmp_path / "out",
        server=DRAFTS,
        actor=actor,
        now=NOW,
    )
    assert len(result.failed) == 2
    assert result.failed[0][1] == f"{nobody.recipient_name} has no e-mail address in the directory."
    assert "'no at sign' is not valid" in result.failed[1][1]
    assert len(list((tmp_path / "out").glob("*.eml"))) == len(messages) - 2
    failed = [r for r in _outbox(db) if r[1] == "failed"]
    assert [r[3] for r in failed] == [reason for _who, reason in result.failed]
    assert "2 failed" in result.summary(verb="drafted")


def test_drafts_are_all_or_nothing(demo_db, tmp_path):
    db = demo_db
    actor = staff(db)
    meeting_id = db.rows("SELECT id FROM meetings WHERE status = 'planned' ORDER BY starts_on")[0][
        0
    ]
    with db.unit_of_work() as session:
        attendance.invite_focal_persons(session, meeting_id=meeting_id, actor=actor, now=NOW)
        messages = mm.invitation_messages(
            session, meeting_id=meeting_id, actor=actor, now=NOW, today=TODAY, with_agenda=False
        )
    from usrg_desktop.workflows.mail.outbox import draft_file_name

    # The third draft's temporary name is taken by a folder: its file cannot be written.
    (tmp_path / "out" / (draft_file_name(messages[2]) + ".part")).mkdir(parents=True)
    with pytest.raises(WorkflowError, match="could not be written.*no draft was kept"):
        write_drafts(db, messages, out_dir=tmp_path / "out", server=DRAFTS, actor=actor, now=NOW)
    assert [p.name for p in (tmp_path / "out").iterdir()] == [
        draft_file_name(messages[2]) + ".part"
    ]
    assert _outbox(db) == []
    assert db.rows("SELECT COUNT(*) FROM audit_events WHERE action = 'email_drafted'")[0][0] == 0


def test_only_staff_may_mail_letters(demo_db):
    db = demo_db
    coordinator = staff(db, "coordinator")
    with db.unit_of_work() as session, pytest.raises(PermissionDenied):
        mm.letter_messages(session, letter_ids=[1], actor=coordinator)


# -- sending over SMTP ----------------------------------------------------------------------------
def test_review_packets_are_sent_and_received_by_a_real_smtp_server(any_demo_db, smtp_server):
    db = any_demo_db
    handler, port = smtp_server
    actor = staff(db)
    round_id = current_round_id(db)
    messages = mm.packet_messages(db, round_id=round_id, actor=actor, now=NOW)
    result = send_messages(
        db, messages, server=_plain_server(port), password=None, actor=actor, now=NOW
    )
    assert not result.failed and len(handler.received) == len(messages) >= 6
    for received, message in zip(handler.received, messages, strict=True):
        assert received.rcpt_tos == [message.recipient_email]
        assert received.message["X-Unsent"] is None  # a sent message is not a draft
        (attachment,) = list(received.message.iter_attachments())
        packet_file = Path(db.path.parent if db.path else "/tmp") / attachment.get_filename()
        packet_file.write_bytes(attachment.get_content())
        packet = read_packet(packet_file)
        assert packet.reviewer_email == message.recipient_email
        assert "reviewer mode" in received.message.get_body(("plain",)).get_content()
    rows = _outbox(db)
    assert {r[1] for r in rows} == {"sent"} and {r[4] for r in rows} == {"review_packet"}
    sent = db.rows("SELECT COUNT(*) FROM audit_events WHERE action = 'email_sent'")[0][0]
    assert sent == len(messages)


def test_a_refused_address_fails_alone_with_the_servers_reason(demo_db, smtp_server):
    db = demo_db
    handler, port = smtp_server
    actor = staff(db)
    round_id = current_round_id(db)
    with db.unit_of_work() as session:
        messages = mm.reminder_messages(session, round_id=round_id, actor=actor, today=TODAY)
    refused = messages[0].__class__(
        **(messages[0].__dict__ | {"recipient_email": "gone@refused.example"})
    )
    result = send_messages(
        db,
        [refused, *messages[1:]],
        server=_plain_server(port),
        password=None,
        actor=actor,
        now=NOW,
    )
    assert len(handler.received) == len(messages) - 1
    ((who, reason),) = result.failed
    assert who == refused.recipient_name
    assert reason.startswith("The server refused the address gone@refused.example (550")
    failed = [r for r in _outbox(db) if r[1] == "failed"]
    assert [(r[2], r[3]) for r in failed] == [("gone@refused.example", reason)]
    body = handler.received[0].message.get_body(("plain",)).get_content()
    assert "16 December 2026" in body and "in 21 days" in body


def test_a_server_that_cannot_be_reached_fails_every_message_with_a_sentence(demo_db):
    db = demo_db
    actor = staff(db)
    with db.unit_of_work() as session:
        messages = mm.reminder_messages(
            session, round_id=current_round_id(db), actor=actor, today=TODAY
        )
    port = free_port()
    with pytest.raises(WorkflowError, match=rf"127.0.0.1:{port} could not be reached.*nothing"):
        send_messages(db, messages, server=_plain_server(port), password=None, actor=actor, now=NOW)
    rows = _outbox(db)
    assert len(rows) == len(messages) and {r[1] for r in rows} == {"failed"}
    assert all("could not be reached" in r[3] for r in rows)


def test_the_password_comes_from_the_keyring_and_a_wrong_one_is_refused(demo_db):
    from aiosmtpd.controller import Controller

    db = demo_db
    keyring = use_memory_keyring()
    admin = staff(db, "admin")
    handler, port = MailHandler(), free_port()
    controller = Controller(
        handler,
        hostname="127.0.0.1",
        port=port,
        authenticator=password_checker("usrg", "s3cret"),
        auth_require_tls=False,
    )
    controller.start()
    try:
        with db.unit_of_work() as session:
            server = ms.set_mail_server(
                session,
                host="127.0.0.1",
                port=port,
                security="none",
                user="usrg",
                sender="urbansafety@sacities.net",
                actor=admin,
                now=NOW,
            )
        ms.store_password(server, "s3cret")
        # Kept by the keyring, not the database.
        assert keyring.passwords == {(ms.KEYRING_SERVICE, f"usrg@127.0.0.1:{port}"): "s3cret"}
        assert db.rows("SELECT COUNT(*) FROM settings WHERE value LIKE '%s3cret%'")[0][0] == 0
        with db.reading() as session:
            server = ms.mail_server(session)
            messages = mm.reminder_messages(
                session, round_id=current_round_id(db), actor=admin, today=TODAY
            )
        result = send_messages(
            db,
            messages[:1],
            server=server,
            password=ms.stored_password(server),
            actor=admin,
            now=NOW,
        )
        assert result.done and len(handler.received) == 1
        with pytest.raises(WorkflowError, match="refused the user name or password"):
            send_messages(db, messages[1:2], server=server, password="wrong", actor=admin, now=NOW)
    finally:
        controller.stop()


def test_only_an_administrator_sets_the_server_and_bad_fields_are_named(demo_db):
    db = demo_db
    from usrg_desktop.workflows import FieldErrors

    with db.unit_of_work() as session, pytest.raises(PermissionDenied):
        ms.set_mail_server(
            session, host="smtp.example.org", port=587, security="starttls", user="",
            sender="a@b.org", actor=staff(db), now=NOW,
        )  # fmt: skip
    with db.unit_of_work() as session, pytest.raises(FieldErrors) as refused:
        ms.set_mail_server(
            session, host="smtp example", port="70000", security="ssl3", user="",
            sender="nobody", actor=staff(db, "admin"), now=NOW,
        )  # fmt: skip
    assert set(refused.value.errors) == {"host", "port", "security", "sender"}


# -- templates ------------------------------------------------------------------------------------
def test_a_saved_template_writes_the_next_messages_and_unknown_placeholders_are_refused(demo_db):
    db = demo_db
    actor = staff(db)
    with db.unit_of_work() as session, pytest.raises(WorkflowError, match="longer than 300"):
        mt.save_template(
            session, kind="reminder", subject="x" * 301, body="{deadline}", actor=actor, now=NOW
        )
    with db.unit_of_work() as session, pytest.raises(WorkflowError, match=r"\{amount\} is not"):
        mt.save_template(
            session,
            kind="reminder",
            subject="Due {deadline}",
            body="{amount}",
            actor=actor,
            now=NOW,
        )
    with db.unit_of_work() as session:
        version = mt.save_template(
            session,
            kind="reminder",
            subject="Scores for {round_name} due {deadline}",
            body="Dear {recipient_name}, still to score: {outstanding}. {sender_name}",
            actor=actor,
            now=NOW,
            seen_version=0,
        )
    assert version == 1
    with db.unit_of_work() as session:
        (first, *_rest) = mm.reminder_messages(
            session, round_id=current_round_id(db), actor=actor, today=TODAY
        )
        history = mt.template_history(session, "reminder")
    assert first.subject == "Scores for Innovation Fund 2026 Round 1 due 16 December 2026"
    assert first.body.startswith(f"Dear {first.recipient_name}, still to score: USRG-")
    assert [row[0] for row in history.rows] == [1]
    with db.unit_of_work() as session, pytest.raises(WorkflowError, match="after you opened it"):
        mt.save_template(
            session, kind="reminder", subject="X {deadline}", body="Y", actor=actor, now=NOW,
            seen_version=0,
        )  # fmt: skip


def test_starttls_and_tls_are_used_and_an_untrusted_certificate_is_refused(demo_db, tmp_path):
    from aiosmtpd.controller import Controller

    from tests.mail_support import self_signed_contexts

    db = demo_db
    actor = staff(db)
    server_tls, client_tls = self_signed_contexts(tmp_path)
    with db.unit_of_work() as session:
        messages = mm.reminder_messages(
            session, round_id=current_round_id(db), actor=actor, today=TODAY
        )
    # STARTTLS: the server refuses mail until the connection is secured.
    handler, port = MailHandler(), free_port()
    starttls = Controller(
        handler, hostname="127.0.0.1", port=port, tls_context=server_tls, require_starttls=True
    )
    starttls.start()
    try:
        server = _plain_server(port, security="starttls")
        result = send_messages(
            db, messages[:1], server=server, password=None, actor=actor, now=NOW,
            context=client_tls,
        )  # fmt: skip
        assert result.done and len(handler.received) == 1
        # A certificate this computer does not trust: nothing is sent, and the sentence says so.
        with pytest.raises(WorkflowError, match="secure connection .* failed"):
            send_messages(db, messages[1:2], server=server, password=None, actor=actor, now=NOW)
        assert len(handler.received) == 1
    finally:
        starttls.stop()
    # TLS from the start.
    handler, port = MailHandler(), free_port()
    tls = Controller(handler, hostname="127.0.0.1", port=port, ssl_context=server_tls)
    tls.start()
    try:
        result = send_messages(
            db, messages[2:3], server=_plain_server(port, security="tls"), password=None,
            actor=actor, now=NOW, context=client_tls,
        )  # fmt: skip
        assert result.done and len(handler.received) == 1
    finally:
        tls.stop()


def test_packets_already_exported_are_mailed_as_they_are(demo_db, tmp_path):
    from tests.workflows.review_exchange_support import export_all

    db = demo_db
    actor = staff(db)
    packets = export_all(db, tmp_path / "packets")
    issued = db.rows("SELECT COUNT(*) FROM audit_events WHERE entity = 'review_packet'")[0][0]
    with db.unit_of_work() as session:
        messages = mm.packet_file_messages(session, folder=tmp_path / "packets", actor=actor)
    result = write_drafts(
        db, messages, out_dir=tmp_path / "out", server=DRAFTS, actor=actor, now=NOW
    )
    assert len(result.done) == len(packets)
    for path in (tmp_path / "out").glob("*.eml"):
        draft = _parse(path)
        to = draft["To"].addresses[0].addr_spec
        (attachment,) = list(draft.iter_attachments())
        assert attachment.get_content() == packets[to].read_bytes()
    # Nothing was exported again: the packets' history has only the drafts added.
    events = db.rows(
        "SELECT action, COUNT(*) FROM audit_events WHERE entity = 'review_packet' "
        "AND id > 0 GROUP BY action"
    )
    assert dict(events)["email_drafted"] == len(packets)
    assert sum(n for _a, n in events) == issued + len(packets)
    (tmp_path / "packets" / "stranger.usrgpacket").write_bytes(b"PK\x03\x04 not a packet")
    with db.unit_of_work() as session, pytest.raises(WorkflowError, match="stranger.usrgpacket"):
        mm.packet_file_messages(session, folder=tmp_path / "packets", actor=actor)

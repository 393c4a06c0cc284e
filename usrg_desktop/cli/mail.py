"""`usrg mail …`: e-mail letters, review packets, invitations and reminders as .eml drafts or
over the outgoing server; list the outbox; set the server; edit the message templates."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path

from ..workflows import FieldErrors, WorkflowError
from .common import (
    acting_user,
    add_format,
    form_refused,
    given_today,
    iso_date,
    now,
    open_db,
    print_listing,
)

PASSWORD_ENV = "USRG_SMTP_PASSWORD"
KINDS = ("letter", "packet", "invitation", "reminder")


def _messages(args: argparse.Namespace, db, actor) -> list:
    """The messages the selectors on the command line name."""
    from ..workflows.grants import rounds
    from ..workflows.letters.issuing import find_letter
    from ..workflows.mail import mail_messages as mm
    from ..workflows.meetings.meeting_plans import meeting_id_for_number

    chosen = [
        name
        for name in ("letters", "letter", "packets", "packet_files", "invitations", "reminders")
        if getattr(args, name)
    ]
    if len(chosen) != 1:
        raise WorkflowError(
            "Say what to e-mail, one of: --letters ROUND [--kind KIND], --letter REFERENCE, "
            "--packets ROUND [--reviewer EMAIL], --packet-files FOLDER, "
            "--invitations MEETING [--pending], "
            "--reminders ROUND."
        )
    what = chosen[0]
    round_id = meeting_id = None
    letter_ids: list[int] | None = None
    with db.unit_of_work() as session:
        selector = getattr(args, what)
        if what in ("letters", "packets", "reminders"):
            round_id = rounds.find_round(session, selector)
        elif what == "letter":
            letter_ids = [find_letter(session, reference) for reference in selector]
        elif what == "invitations":
            meeting_id = meeting_id_for_number(session, number=selector)
    return mm.messages_for(
        db,
        what={
            "letters": "letter",
            "packets": "packet",
            "invitations": "invitation",
            "reminders": "reminder",
        }.get(what, what),  # fmt: skip
        actor=actor,
        now=now(),
        today=given_today(args),
        round_id=round_id,
        kind=args.kind,
        letter_ids=letter_ids,
        packets_folder=args.packet_files,
        reviewer_email=args.reviewer,
        meeting_id=meeting_id,
        only_pending=args.pending,
    )


def _server(db):
    from ..workflows.mail.mail_server import mail_server

    with db.unit_of_work() as session:
        return mail_server(session)


def _report(result, verb: str) -> int:
    for who, where in result.done:
        print(f"{verb.capitalize()}: {who} ({where})")
    for who, reason in result.failed:
        print(f"Failed: {who}: {reason}", file=sys.stderr)
    print(result.summary(verb=verb))
    return 1 if result.failed else 0


def cmd_mail_drafts(args: argparse.Namespace) -> int:
    """Write one .eml draft per recipient into a folder."""
    from ..workflows.mail.outbox import write_drafts

    if not args.out:
        raise WorkflowError("Say which folder the drafts go in with --out FOLDER.")
    db = open_db(args)
    actor = acting_user(args, db)
    messages = _messages(args, db, actor)
    result = write_drafts(
        db, messages, out_dir=Path(args.out), server=_server(db), actor=actor, now=now()
    )
    return _report(result, "drafted")


def _password(server) -> str | None:
    from ..workflows.mail.mail_server import stored_password

    if not server.user:
        return None
    password = stored_password(server) or os.environ.get(PASSWORD_ENV)
    if password is None:
        if not sys.stdin.isatty():
            raise WorkflowError(
                f"The keyring holds no password for {server.describe()}; give it in "
                f"{PASSWORD_ENV} or type it at the prompt."
            )
        password = getpass.getpass(f"Password for {server.user} at {server.host}: ")
    return password


def cmd_mail_send(args: argparse.Namespace) -> int:
    """Send one message per recipient over the outgoing server."""
    from ..workflows.mail.outbox import send_messages

    db = open_db(args)
    actor = acting_user(args, db)
    server = _server(db)
    if not server.configured:
        raise WorkflowError(
            "No outgoing mail server is set; write drafts with usrg mail drafts, or set a "
            "server with usrg mail server --host … (an administrator)."
        )
    password = _password(server)
    messages = _messages(args, db, actor)
    result = send_messages(db, messages, server=server, password=password, actor=actor, now=now())
    return _report(result, "sent")


def cmd_mail_outbox(args: argparse.Namespace) -> int:
    """List what was drafted or sent, to whom and when, and the failures with their reason."""
    from ..workflows.mail.outbox import outbox_listing

    print_listing(outbox_listing(open_db(args), status=args.status), args.format)
    return 0


def cmd_mail_server(args: argparse.Namespace) -> int:
    """Show the outgoing server, or set it (administrator); keep its password in the keyring."""
    from ..workflows.mail import mail_server as ms

    db = open_db(args)
    changes = {
        k: getattr(args, k)
        for k in ("host", "port", "security", "sender", "sender_name")
        if getattr(args, k) is not None
    }
    if args.smtp_user is not None:
        changes["user"] = args.smtp_user
    server = _server(db)
    if changes or args.clear:
        actor = acting_user(args, db)
        values = {
            "host": "" if args.clear else server.host,
            "port": server.port,
            "security": server.security,
            "user": "" if args.clear else server.user,
            "sender": server.sender,
            "sender_name": server.sender_name,
        } | changes
        if args.clear:
            ms.forget_password(server)
        try:
            with db.unit_of_work() as session:
                server = ms.set_mail_server(session, actor=actor, now=now(), **values)
        except FieldErrors as exc:
            raise form_refused(exc) from None
    if args.ask_password:
        acting_user(args, db)
        password = os.environ.get(PASSWORD_ENV)
        if password is None:
            if not sys.stdin.isatty():
                raise WorkflowError(f"Give the server's password in {PASSWORD_ENV} or at a prompt.")
            password = getpass.getpass(f"Password for {server.user} at {server.host}: ")
        ms.store_password(server, password)
        print("The password is kept in this computer's keyring (not in the database).")
    print(f"Outgoing mail: {server.describe()}")
    print(f"From: {server.sender_name} <{server.sender}>")
    if server.configured and server.user:
        kept = ms.stored_password(server) is not None
        print(f"Password: {'in the keyring' if kept else 'not kept on this computer'}")
    return 0


def cmd_mail_check(args: argparse.Namespace) -> int:
    """Connect to the outgoing server, secure the connection and sign in, then leave."""
    from ..workflows.mail.outbox import check_connection

    db = open_db(args)
    server = _server(db)
    if not server.configured:
        raise WorkflowError("No outgoing mail server is set; an administrator must set one.")
    print(check_connection(server, _password(server)))
    return 0


def cmd_mail_template(args: argparse.Namespace) -> int:
    """Show a kind of message's template and its versions, or save a new version."""
    from ..workflows.mail import mail_templates as mt

    db = open_db(args)
    if args.subject is not None or args.body_file:
        if args.subject is None or not args.body_file:
            raise WorkflowError("Give both --subject and --body-file to save a new version.")
        try:
            body = Path(args.body_file).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise WorkflowError(
                f"The file {args.body_file} cannot be read as UTF-8 text "
                f"({getattr(exc, 'strerror', None) or 'not text'})."
            ) from None
        actor = acting_user(args, db)
        with db.unit_of_work() as session:
            version = mt.save_template(
                session, kind=args.kind, subject=args.subject, body=body, actor=actor, now=now()
            )
        print(f"Saved version {version} of the {mt.KIND_LABELS[args.kind]} template.")
    with db.reading() as session:
        text = mt.current_template(session, args.kind)
        history = mt.template_history(session, args.kind)
    print(f"Version {text.version}{' (as shipped)' if text.version == 0 else ''}")
    print(f"Subject: {text.subject}\n\n{text.body}\n")
    print("Placeholders: " + ", ".join(f"{{{p}}}" for p in mt.PLACEHOLDERS[args.kind]))
    if history.rows:
        print()
        print_listing(history, "table")
    return 0


def _selectors(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--letters", metavar="ROUND", help="the issued letters of a round")
    parser.add_argument(
        "--kind", choices=("award", "decline", "acknowledgement", "ineligible"),
        help="with --letters: only letters of this kind",
    )  # fmt: skip
    parser.add_argument(
        "--letter", action="append", metavar="REFERENCE", help="one issued letter (repeatable)"
    )
    parser.add_argument("--packets", metavar="ROUND", help="each reviewer's packet for a round")
    parser.add_argument("--reviewer", metavar="EMAIL", help="with --packets: only this reviewer")
    parser.add_argument(
        "--packet-files",
        metavar="FOLDER",
        help="the packets already exported into a folder (each to the reviewer it names)",
    )
    parser.add_argument(
        "--invitations", type=int, metavar="MEETING", help="invitations to a meeting (its number)"
    )
    parser.add_argument(
        "--pending", action="store_true", help="with --invitations: only those yet to reply"
    )
    parser.add_argument(
        "--reminders", metavar="ROUND", help="reminders to reviewers with scores outstanding"
    )
    parser.add_argument(
        "--today", type=iso_date, help="the day reminders count from (default: today)"
    )


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add the mail subcommands."""
    parser = sub.add_parser(
        "mail",
        parents=[common],
        help="e-mail letters, packets, invitations and reminders; the outbox",
        description="Write e-mail messages with their attachments as .eml drafts (Outlook and "
        "Thunderbird open them ready to send) or send them over the outgoing server an "
        "administrator set; list the outbox.",
    )
    actions = parser.add_subparsers(dest="mail_command", metavar="ACTION", required=True)

    drafts = actions.add_parser("drafts", parents=[common], help="write .eml drafts to a folder")
    _selectors(drafts)
    drafts.add_argument("--out", help="the folder for the drafts")
    drafts.set_defaults(handler=cmd_mail_drafts)

    send = actions.add_parser("send", parents=[common], help="send over the outgoing server")
    _selectors(send)
    send.set_defaults(handler=cmd_mail_send)

    outbox = actions.add_parser("outbox", parents=[common], help="what was drafted or sent")
    outbox.add_argument("--status", choices=("drafted", "sent", "failed"))
    add_format(outbox)
    outbox.set_defaults(handler=cmd_mail_outbox)

    server = actions.add_parser(
        "server", parents=[common], help="show or set the outgoing mail server (administrator)"
    )
    server.add_argument("--host", help="the server's name, like smtp.example.org")
    server.add_argument("--port", type=int, help="587 for STARTTLS, 465 for TLS")
    server.add_argument("--security", choices=("starttls", "tls", "none"))
    server.add_argument("--smtp-user", help="the user name on the mail server")
    server.add_argument("--sender", help="the From address")
    server.add_argument("--sender-name", help="the From name")
    server.add_argument(
        "--ask-password",
        action="store_true",
        help=f"keep the server's password in the keyring (from {PASSWORD_ENV} or a prompt)",
    )
    server.add_argument("--clear", action="store_true", help="no server: drafts only")
    server.set_defaults(handler=cmd_mail_server)

    check = actions.add_parser(
        "check", parents=[common], help="connect to the outgoing server and sign in"
    )
    check.set_defaults(handler=cmd_mail_check)

    template = actions.add_parser(
        "template", parents=[common], help="show a message template, or save a new version"
    )
    template.add_argument("kind", choices=KINDS)
    template.add_argument("--subject", help="the new subject (with --body-file)")
    template.add_argument("--body-file", metavar="FILE", help="a UTF-8 text file: the new body")
    template.set_defaults(handler=cmd_mail_template)

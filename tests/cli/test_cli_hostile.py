"""Every `usrg` command, with hostile arguments: a handled exit status, never a traceback.

The commands are read from the argument parser itself, so a command added later is covered
without touching this file. Each runs in-process through `cli.main` on a real copy of the demo
database, signed in as the demo administrator, with arguments drawn by hypothesis: amounts
(Infinity, NaN, 1e308, negative, too many decimals), dates, names, paths (missing folders,
folders, garbage files, `?`, `#`, `%20`, non-Latin letters, over-long names) and references.
A refusal is one sentence with status 1, a malformed command line argparse's status 2; status
70 (an unexpected error, logged) or a traceback anywhere in the output fails the test.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from usrg_desktop import cli
from usrg_desktop.cli.common import iso_date

HANDLED = {0, 1, 2}
PASSWORD = "demo-password"


def _commands() -> list[tuple[tuple[str, ...], argparse.ArgumentParser]]:
    """Every leaf command of `usrg` with its parser, found by walking the subparsers."""
    found = []

    def walk(parser: argparse.ArgumentParser, path: tuple[str, ...]) -> None:
        subs = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
        if not subs:
            found.append((path, parser))
            return
        for name, child in subs[0].choices.items():
            walk(child, (*path, name))

    walk(cli.build_parser(), ())
    return found


COMMANDS = _commands()

# Text with anything a command line can carry (no NUL), plus the classics.
_TEXT = st.text(st.characters(exclude_characters="\x00"), max_size=40)
_NASTY = st.sampled_from(
    [
        "",
        " ",
        '=HYPERLINK("http://x")',
        "'; DROP TABLE applications; --",
        "%",
        "_",
        "\\",
        "\t\r\n",
        "\u202e\u200b",
        "Ṱhalitshani Ṋemaṱhaṋi",
        "x" * 5000,
        "\udcff\udcfe",  # what Python makes of bytes that are not UTF-8 in argv
    ]
)
TEXTS = _TEXT | _NASTY
AMOUNTS = (
    st.sampled_from(
        [
            "Infinity",
            "-Infinity",
            "NaN",
            "sNaN",
            "1e308",
            "-1e308",
            "1e-2",
            "-5",
            "-0,01",
            "0,001",
            "1.234.567",
            "R 1 250 000,005",
            "9" * 400,
            "0x10",
            "١٢٣",
            "R",
            "1_000",
        ]
    )
    | st.decimals(allow_nan=True, allow_infinity=True).map(str)
    | st.floats().map(repr)
    | TEXTS
)
DATES = (
    st.sampled_from(
        ["0000-00-00", "2026-02-30", "2026-13-01", "0001-01-01", "9999-12-31", "-1", "today"]
    )
    | st.dates().map(lambda d: d.isoformat())
    | st.datetimes().map(lambda d: d.isoformat() + "+02:00")
    | TEXTS
)
INTEGERS = (
    st.sampled_from(["0", "-1", "2147483648", "9223372036854775808", "1" * 40])
    | st.integers().map(str)
    | TEXTS
)
REFERENCES = (
    st.sampled_from(
        ["USRG-2026-0001", "IF-2026-001", "Innovation Fund 2026 Round 1", "admin", "1", "0"]
    )
    | TEXTS
)
_PATH_NAMES = [
    "no/such/folder/file.pdf",
    "x?y#z%20.pdf",
    "ūnïcødé é.usrgscores",
    "a" * 300,
    "existing folder",
    "garbage.bin",
    "empty",
    ".",
    "",
]
_AMOUNT_NAMES = {"budget", "cap", "amount"}
_PATH_NAMES_OF_ARGS = {"file", "files", "out", "packet", "sheet", "logo"}


def _paths(folder: Path) -> st.SearchStrategy[str]:
    (folder / "existing folder").mkdir(exist_ok=True)
    (folder / "garbage.bin").write_bytes(b"\x00\xffPK\x03\x04 not what it claims" * 50)
    (folder / "empty").write_bytes(b"")
    return st.sampled_from([str(folder / n) if n else "" for n in _PATH_NAMES] + ["/dev/null"])


def _strategy(action: argparse.Action, folder: Path) -> st.SearchStrategy[str]:
    dest = action.dest
    if action.type is iso_date:
        values = DATES
    elif action.type is int:
        values = INTEGERS
    elif dest in _AMOUNT_NAMES:
        values = AMOUNTS
    elif dest in _PATH_NAMES_OF_ARGS:
        values = _paths(folder)
    else:
        values = REFERENCES
    if action.choices:
        return st.sampled_from([str(c) for c in action.choices]) | values
    return values


@st.composite
def _arguments(draw, parser: argparse.ArgumentParser, folder: Path) -> list[str]:
    options: list[str] = []
    positionals: list[str] = []
    for action in parser._actions:
        if action.dest in ("help", "database", "user", "version"):
            continue
        if not action.option_strings:
            if action.nargs == "+":
                positionals += draw(st.lists(_strategy(action, folder), min_size=1, max_size=3))
            elif action.nargs != "?" or draw(st.booleans()):
                positionals.append(draw(_strategy(action, folder)))
            continue
        if not action.required and not draw(st.booleans()):
            continue
        flag = action.option_strings[-1]
        if action.nargs == 0:
            options.append(flag)
        else:
            options.append(f"{flag}={draw(_strategy(action, folder))}")
    # "--" keeps a hostile value starting with "-" a value, not an option.
    return options + (["--", *positionals] if positionals else [])


def _run(argv: list[str], capsys) -> tuple[int, str]:
    try:
        status = cli.main(argv)
    except SystemExit as exit_:  # argparse's own refusal of a malformed command line
        status = exit_.code if isinstance(exit_.code, int) else 2
    captured = capsys.readouterr()
    return status, captured.out + captured.err


@pytest.mark.parametrize("command", [c for c, _ in COMMANDS], ids=" ".join)
def test_every_command_survives_hostile_arguments(command, demo_db, tmp_path, capsys, monkeypatch):
    parser = dict(COMMANDS)[command]
    monkeypatch.setenv("USRG_PASSWORD", PASSWORD)
    monkeypatch.delenv("USRG_NEW_PASSWORD", raising=False)
    monkeypatch.chdir(tmp_path)
    front = ["--database", str(demo_db.path), "--user", "admin", *command]

    @settings(
        max_examples=6,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(_arguments(parser, tmp_path))
    def run(arguments: list[str]) -> None:
        status, output = _run(front + arguments, capsys)
        assert "Traceback" not in output, output
        assert status in HANDLED, f"usrg {' '.join(command)} {arguments!r}: {status}\n{output}"

    run()


HOSTILE_DATABASES = [
    "mysql://root@localhost/usrg",
    "foo://bar",
    "postgresql+psycopg://[::1",
    "postgresql+psycopg://u:secret@host:port/db",
    "://",
    "sqlite:///:memory:",
]


@pytest.mark.parametrize("target", HOSTILE_DATABASES)
def test_an_unsupported_database_url_is_one_sentence(target, capsys):
    status, output = _run(["--database", target, "applications", "list"], capsys)
    assert status == 1 and output.startswith("usrg: ") and output.count("\n") == 1, output
    assert "secret" not in output


@pytest.mark.parametrize("revision", ["", "zzzz", "0004a", "9999"])
def test_an_unknown_or_empty_schema_revision_is_one_sentence(revision, demo_db, capsys):
    import sqlite3

    with sqlite3.connect(demo_db.path) as raw:
        raw.execute("UPDATE alembic_version SET version_num = ?", (revision,))
    raw.close()
    demo_db.dispose()
    before = demo_db.path.read_bytes()
    for command in (["db", "upgrade"], ["db", "verify"], ["applications", "list"]):
        status, output = _run(["--database", str(demo_db.path), *command], capsys)
        assert status == 1 and output.count("\n") == 1, output
        expected = "newer USRG Desktop" if revision == "9999" else "does not know"
        assert expected in output
    assert demo_db.path.read_bytes() == before


@pytest.mark.parametrize(
    ("arguments", "status", "fragment"),
    [
        (["ranking", "--round", "\udd00"], 2, "argument 7 ('\\udd00') is not valid text"),
        (["agenda", "show", "--meeting", "9223372036854775808"], 2, "far too large a number"),
        (["backup", "--out", "{tmp}/file"], 1, "cannot be used: File exists."),
        (["backup", "--out", "{tmp}/" + "a" * 300], 1, "cannot be used: File name too long."),
        (["applications", "move", "X", "--to", "approved", "--amount", "1e308"], 1, ""),
    ],
)
def test_hostile_arguments_end_in_one_sentence(
    arguments, status, fragment, demo_db, tmp_path, capsys, monkeypatch
):
    monkeypatch.setenv("USRG_PASSWORD", PASSWORD)
    (tmp_path / "file").write_text("not a folder")
    argv = ["--database", str(demo_db.path), "--user", "admin"]
    argv += [a.replace("{tmp}", str(tmp_path)) for a in arguments]
    code, output = _run(argv, capsys)
    assert code == status and fragment in output, output
    assert "Traceback" not in output and "usrg" in output.splitlines()[-1], output

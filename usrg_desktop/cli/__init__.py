"""The `usrg` command: the same workflows as the GUI, for batch work and scripts.

Each area's subcommands live in their own module (system, grants, reviews, letters, meetings)
with a `register(sub, common)` function; this module only assembles them and runs one.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys
from collections.abc import Sequence

from .. import storage
from ..about import VersionAction
from ..diagnostics import LOGGER_NAME
from ..workflows import WorkflowError
from .common import Handler, whole_number
from .retry import run_retrying

# The modules that add subcommands, in the order `usrg --help` lists them.
COMMAND_MODULES = (
    "system",
    "grants",
    "reviews",
    "ranking",
    "letters",
    "awards",
    "meetings",
    "agenda",
    "directory",
    "organisations",
    "mail",
    "report",
)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of `usrg` with every subcommand."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--database",
        default=argparse.SUPPRESS,
        help="SQLite file or postgresql+psycopg:// URL (default: USRG_DATABASE or the local file)",
    )
    common.add_argument(
        "--user",
        default=argparse.SUPPRESS,
        help="who is acting, for commands that change data (default: USRG_USER); "
        "the password comes from USRG_PASSWORD or a prompt",
    )
    parser = argparse.ArgumentParser(
        prog="usrg", parents=[common], description="USRG Desktop on the command line."
    )
    parser.add_argument("--version", action=VersionAction)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(f"{__name__}.{name}").register(sub, common)
    _bound_whole_numbers(parser)
    return parser


def _bound_whole_numbers(parser: argparse.ArgumentParser) -> None:
    """Every `type=int` argument of every command takes only numbers a database column holds."""
    for action in parser._actions:
        if action.type is int:
            action.type = whole_number
        if isinstance(action, argparse._SubParsersAction):
            for child in action.choices.values():
                _bound_whole_numbers(child)


# The exit status of a bug (sysexits' EX_SOFTWARE): the sentence names the log file.
UNEXPECTED = 70


def main(argv: Sequence[str] | None = None) -> int:
    """Run `usrg`; refused actions and database problems end with one sentence on stderr.

    Anything else is a bug: its traceback goes to the log file, and the user gets one
    sentence naming that file and exit status 70, never a traceback.
    """
    argv = sys.argv[1:] if argv is None else list(argv)
    for n, arg in enumerate(argv, start=1):
        if not _is_text(arg):
            shown = arg[:60].encode("utf-8", "backslashreplace").decode("utf-8")
            print(
                f"usrg: argument {n} ('{shown}') is not valid text (UTF-8); nothing was done.",
                file=sys.stderr,
            )
            return 2
    args = build_parser().parse_args(argv)
    handler: Handler = args.handler
    _start_logging()
    try:
        return run_retrying(handler, args)
    except (WorkflowError, storage.StorageError) as exc:
        for line in getattr(exc, "lines", None) or [str(exc)]:
            print(f"usrg: {line}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("usrg: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (`usrg meetings list | head`): stop quietly, as Unix tools do.
        # Python would otherwise complain again when it flushes stdout at exit.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except OSError as exc:
        # A file or folder the command was given that the system refuses (too long a name,
        # a file where a folder should be, no permission, a full disk).
        print(f"usrg: {_os_problem(exc)}", file=sys.stderr)
        return 1
    except Exception as exc:  # noqa: BLE001  (the last resort: no traceback reaches the user)
        return _unexpected(exc)


def _is_text(arg: str) -> bool:
    """Whether an argument is real text: not bytes that were not UTF-8 (lone surrogates)."""
    try:
        arg.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _os_problem(exc: OSError) -> str:
    """One sentence for a file system refusal, naming the file."""
    reason = (exc.strerror or str(exc)).rstrip(".")
    name = exc.filename
    if name is None:
        return f"A file could not be read or written: {reason}."
    shown = str(name) if len(str(name)) <= 120 else str(name)[:117] + "..."
    return f"The file or folder {shown} cannot be used: {reason}."


_log_file: str | None = None


def _start_logging() -> None:
    """Log to the program's file, so that no log record (with a traceback) goes to stderr."""
    global _log_file
    from ..diagnostics import start_logging

    try:
        _log_file = str(start_logging())
    except OSError:
        _log_file = None
        logging.getLogger(LOGGER_NAME).addHandler(logging.NullHandler())


def _unexpected(exc: Exception) -> int:
    from ..diagnostics import log_unexpected

    log_unexpected(type(exc), exc, exc.__traceback__)
    where = (
        f"the details are in the log file {_log_file}"
        if _log_file
        else "the log file could not be written"
    )
    print(
        f"usrg: an unexpected error stopped the command ({type(exc).__name__}); {where}. "
        "Please report it.",
        file=sys.stderr,
    )
    return UNEXPECTED

"""The `usrg` command: the same workflows as the GUI, for batch work and scripts.

Each area's subcommands live in their own module (system, grants, reviews, letters, meetings)
with a `register(sub, common)` function; this module only assembles them and runs one.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

from .. import storage
from ..about import VersionAction
from ..workflows import WorkflowError
from .retry import run_retrying
from .common import Handler

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
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run `usrg`; refused actions and database problems end with one sentence on stderr."""
    args = build_parser().parse_args(argv)
    handler: Handler = args.handler
    try:
        return run_retrying(handler, args)
    except (WorkflowError, storage.StorageError) as exc:
        print(f"usrg: {exc}", file=sys.stderr)
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

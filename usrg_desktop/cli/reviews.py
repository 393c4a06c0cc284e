"""`usrg` subcommands of the reviews area."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add the reviews subcommands."""

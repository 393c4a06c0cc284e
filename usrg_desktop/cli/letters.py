"""`usrg` subcommands of the letters area."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add the letters subcommands."""

"""`usrg rotation …` and `usrg meetings …`: the quarterly meetings."""

from __future__ import annotations

import argparse
import json
from datetime import date

from .common import open_db


def cmd_rotation_propose(args: argparse.Namespace) -> int:
    """Print host and date proposals for the coming quarters, with the reason for each."""
    from ..workflows.hosting import propose_next_hosts
    from ..workflows.rotation import Quarter

    start = Quarter.parse(args.start) if args.start else Quarter.of(date.today()).next()
    proposals = propose_next_hosts(open_db(args), start=start, quarters=args.quarters)
    if args.format == "json":
        print(json.dumps([p.as_dict() for p in proposals], indent=2, ensure_ascii=False))
        return 0
    for p in proposals:
        host = p.host or "(no host possible)"
        print(f"{p.quarter.label}  {host}  {p.starts_on:%a %d %b %Y} – {p.ends_on:%a %d %b %Y}")
        print(f"    {p.reason}")
    return 0


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add the rotation and meetings subcommands."""
    rot = sub.add_parser("rotation", parents=[common], help="host rotation of the meetings")
    rotsub = rot.add_subparsers(dest="rotation_command", required=True, metavar="ACTION")
    propose = rotsub.add_parser(
        "propose", parents=[common], help="propose hosts and dates for the coming quarters"
    )
    propose.add_argument(
        "--from", dest="start", metavar="QUARTER", help="first quarter, e.g. 2027Q1"
    )
    propose.add_argument("--quarters", type=int, default=8, help="how many quarters (default 8)")
    propose.add_argument("--format", choices=["text", "json"], default="text")
    propose.set_defaults(handler=cmd_rotation_propose)

"""Check a frozen folder works without the checkout: version, demo database, letters, self-test.

python installer/smoke_test.py dist/usrg-desktop
python installer/smoke_test.py ROOT/usr/bin     # the programs a Debian package put on the PATH
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path


def run(command: list[str], env: dict[str, str]) -> str:
    """Run one command of the frozen programs; stop with its output if it fails."""
    done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=600)
    if done.returncode != 0:
        sys.exit(f"{' '.join(command)} failed ({done.returncode}):\n{done.stdout}{done.stderr}")
    return done.stdout


def main() -> int:
    """Run the frozen `usrg` and `usrg-desktop` from an empty folder."""
    folder = Path(sys.argv[1]).resolve()
    suffix = ".exe" if os.name == "nt" else ""
    usrg, desktop = folder / f"usrg{suffix}", folder / f"usrg-desktop{suffix}"
    with tempfile.TemporaryDirectory() as work:
        env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "HOME": work}
        database = str(Path(work) / "demo.sqlite3")
        print(run([str(usrg), "--version"], env).strip())
        print(run([str(usrg), "demo", "--database", database], env).strip())
        print(
            run(
                [
                    str(usrg),
                    "rotation",
                    "propose",
                    "--database",
                    database,
                    "--from",
                    "2027Q1",
                    "--quarters",
                    "2",
                ],
                env,
            ).strip()
        )
        rounds = json.loads(
            run([str(usrg), "rounds", "list", "--database", database, "--format", "json"], env)
        )
        decided = next(r["name"] for r in rounds if r["status"] == "decided")
        letters = Path(work) / "letters"
        print(
            run(
                [
                    str(usrg),
                    "--user",
                    "secretariat",
                    "letters",
                    "--database",
                    database,
                    "--round",
                    decided,
                    "--kind",
                    "decline",
                    "--out",
                    str(letters),
                    "--yes",  # the round is decided: issue for it all the same
                ],
                {**env, "USRG_PASSWORD": "demo-password"},
            ).strip()
        )
        pdfs = sorted(letters.glob("*.pdf"))
        if not pdfs or not all(p.read_bytes().startswith(b"%PDF") for p in pdfs):
            sys.exit(f"No letters were printed into {letters}")
        print(run([str(desktop), "--self-test", "--database", database], env).strip())
    print(f"Smoke test passed: {folder}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Check the Debian package: its control data and files, then install it in a throw-away root.

python installer/linux/check_deb.py dist/usrg-desktop_<version>_amd64.deb

`dpkg-deb --info` and `--contents` must show the package, the programs under /opt/usrg-desktop,
the launchers on the PATH and the desktop files under /usr/share. The package is then installed
with `dpkg --root` into an empty folder (as root; otherwise it is unpacked with `dpkg-deb -x`),
the installed `usrg` and `usrg-desktop` run installer/smoke_test.py (a demo database, letters,
the self-test) and the package is removed again, leaving nothing under /opt.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
SMOKE_TEST = HERE.parent / "smoke_test.py"
PACKAGE = "usrg-desktop"
NEEDED = [
    "./opt/usrg-desktop/usrg",
    "./opt/usrg-desktop/usrg-desktop",
    "./opt/usrg-desktop/_internal/usrg_desktop/_shipped/db/env.py",
    "./opt/usrg-desktop/_internal/usrg_desktop/_shipped/resources/fonts/DejaVuSans.ttf",
    "./usr/bin/usrg -> ../../opt/usrg-desktop/usrg",
    "./usr/bin/usrg-desktop -> ../../opt/usrg-desktop/usrg-desktop",
    "./usr/share/applications/usrg-desktop.desktop",
    "./usr/share/mime/packages/usrg-review-packet.xml",
    "./usr/share/icons/hicolor/256x256/apps/usrg-desktop.png",
    "./usr/share/icons/hicolor/scalable/apps/usrg-desktop.svg",
    "./usr/share/doc/usrg-desktop/copyright",
]


def run(command: list[str], **kwargs: object) -> str:
    """Run a command; stop with its output if it fails."""
    done = subprocess.run(command, capture_output=True, text=True, **kwargs)  # type: ignore[call-overload]
    if done.returncode != 0:
        sys.exit(f"{' '.join(command)} failed ({done.returncode}):\n{done.stdout}{done.stderr}")
    return done.stdout


def check_control(deb: Path) -> dict[str, str]:
    """The control fields, checked against the file's name (`PACKAGE_VERSION_ARCH.deb`)."""
    info = run(["dpkg-deb", "--info", str(deb)])
    print(info.rstrip())
    fields = {}
    for line in run(["dpkg-deb", "--field", str(deb)]).splitlines():
        if line and not line.startswith(" ") and ":" in line:
            key, value = line.split(":", 1)
            fields[key] = value.strip()
    package, version, arch = deb.name.removesuffix(".deb").split("_")
    expected = {"Package": package, "Version": version, "Architecture": arch}
    for key, value in expected.items():
        if fields.get(key) != value:
            sys.exit(f"{deb.name}: {key} is {fields.get(key)!r}, expected {value!r}")
    if package != PACKAGE or "libc6" not in fields.get("Depends", ""):
        sys.exit(f"{deb.name}: unexpected package name or no Depends: {fields}")
    return fields


def check_contents(deb: Path) -> None:
    """Every file the package must hold, owned by root."""
    listing = run(["dpkg-deb", "--contents", str(deb)]).splitlines()
    entries = {" ".join(line.split()[5:]) for line in listing}
    missing = [path for path in NEEDED if path not in entries]
    if missing:
        sys.exit(f"{deb.name} lacks {', '.join(missing)}")
    owners = {line.split()[1] for line in listing}
    if owners != {"root/root"}:
        sys.exit(f"{deb.name}: files should belong to root/root, not {owners}")
    print(f"{deb.name}: {len(listing)} entries, all expected paths present")


def install_and_run(deb: Path) -> None:
    """Install into a throw-away root, run the installed programs, then remove the package."""
    with tempfile.TemporaryDirectory(prefix="usrg-deb-root-") as work:
        root = Path(work)
        as_root = hasattr(os, "geteuid") and os.geteuid() == 0 and shutil.which("dpkg")
        if as_root:
            admin = root / "var" / "lib" / "dpkg"
            for sub in ("info", "updates", "triggers"):
                (admin / sub).mkdir(parents=True)
            (admin / "status").touch()
            # The root is empty, so the libraries the package depends on are "missing" there;
            # the programs still run, using this machine's libraries.
            run(["dpkg", f"--root={root}", "--force-depends", "--install", str(deb)])
            print(run(["dpkg", f"--root={root}", "--status", PACKAGE]).splitlines()[1])
        else:
            run(["dpkg-deb", "--extract", str(deb), str(root)])
            print("not root: unpacked with dpkg-deb --extract instead of dpkg --root")
        usr_bin = root / "usr" / "bin"
        version = run([str(usr_bin / "usrg"), "--version"], env=_env(root)).splitlines()[0]
        print(f"installed: {version}")
        if version != f"usrg {deb.name.split('_')[1]}":
            sys.exit(f"The installed usrg says {version!r}, the package is {deb.name}")
        run([sys.executable, str(SMOKE_TEST), str(usr_bin)], env=_env(root))
        print(f"smoke test passed on the installed {usr_bin}")
        if as_root:
            run(["dpkg", f"--root={root}", "--force-depends", "--purge", PACKAGE])
            left = [p for p in (root / "opt").rglob("*")] if (root / "opt").exists() else []
            if left or (usr_bin / "usrg").exists():
                sys.exit(f"Removing the package left files behind: {left[:5]}")
            print("removed cleanly")


def _env(root: Path) -> dict[str, str]:
    home = root / "home"
    home.mkdir(exist_ok=True)
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "USRG_DATABASE"}}
    return {**env, "HOME": str(home), "QT_QPA_PLATFORM": "offscreen"}


def main() -> int:
    """Check one .deb; exit non-zero with the reason on the first problem."""
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    deb = Path(sys.argv[1]).resolve()
    check_control(deb)
    check_contents(deb)
    install_and_run(deb)
    print(f"Debian package check passed: {deb}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

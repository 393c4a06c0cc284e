"""Build the Debian package of the frozen folder: dist/usrg-desktop_<version>_<arch>.deb.

python installer/linux/build_deb.py dist/usrg-desktop [--out dist]

The programs go to /opt/usrg-desktop with `usrg` and `usrg-desktop` linked from /usr/bin; the
menu entry, the icon and the review-packet MIME type go under /usr/share (Debian's own triggers
of desktop-file-utils, shared-mime-info and the icon cache pick them up: no maintainer scripts).
The version is the one the frozen `usrg --version` reports, kept in usrg_desktop/__init__.py.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
PACKAGE = "usrg-desktop"
# What the frozen Qt needs from the system on an X11 or Wayland desktop (the rest is bundled).
DEPENDS = [
    "libstdc++6",
    "libegl1",
    "libgl1",
    "libopengl0",
    "libfontconfig1",
    "libfreetype6",
    "libglib2.0-0t64 | libglib2.0-0",
    "libdbus-1-3",
    "libx11-6",
    "libx11-xcb1",
    "libxcb1",
    "libxcb-cursor0",
    "libxcb-icccm4",
    "libxcb-image0",
    "libxcb-keysyms1",
    "libxcb-randr0",
    "libxcb-render-util0",
    "libxcb-shape0",
    "libxcb-xfixes0",
    "libxcb-xkb1",
    "libxkbcommon0",
    "libxkbcommon-x11-0",
]
RECOMMENDS = ["libwayland-client0", "libwayland-cursor0", "libwayland-egl1", "libcups2"]
DESCRIPTION = """\
The Urban Safety Reference Group's innovation fund and quarterly meetings
 USRG Desktop runs the South African Cities Network's Urban Safety Reference
 Group: funding rounds, applications, reviews and scores, decisions, letters,
 awards and tranches, and the quarterly meetings that rotate between the member
 cities, on a local SQLite file or a shared PostgreSQL database. Reviewers
 score offline from review packets (usrg-desktop PACKET.usrgpacket).
 .
 The `usrg` command does the same in batch."""


def frozen_version(folder: Path) -> str:
    """The version the frozen `usrg --version` reports (its first line: `usrg X.Y.Z`)."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    first = subprocess.run(
        [str(folder / "usrg"), "--version"], capture_output=True, text=True, env=env, check=True
    ).stdout.splitlines()[0]
    return first.split()[1]


def architecture() -> str:
    """Debian's name of this machine's architecture (amd64 on a PC)."""
    return subprocess.run(
        ["dpkg", "--print-architecture"], capture_output=True, text=True, check=True
    ).stdout.strip()


def glibc() -> str:
    """The C library version the folder was frozen against: the oldest it can run on."""
    return os.confstr("CS_GNU_LIBC_VERSION").split()[-1]


def _put(source: Path, target: Path, mode: int = 0o644) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)
    target.chmod(mode)


def stage(folder: Path, staging: Path, version: str, arch: str) -> None:
    """Lay out the package's files and its DEBIAN/control under `staging`."""
    opt = staging / "opt" / PACKAGE
    shutil.copytree(folder, opt, symlinks=True)
    for path in [opt, *opt.rglob("*")]:
        if path.is_symlink():
            continue
        executable = path.is_dir() or os.access(path, os.X_OK)
        path.chmod(0o755 if executable else 0o644)
    bin_dir = staging / "usr" / "bin"
    bin_dir.mkdir(parents=True)
    for program in ("usrg", "usrg-desktop"):
        # Relative, so the links also work in a package unpacked under another root.
        (bin_dir / program).symlink_to(f"../../opt/{PACKAGE}/{program}")
    share = staging / "usr" / "share"
    _put(HERE / "usrg-desktop.desktop", share / "applications" / "usrg-desktop.desktop")
    _put(HERE / "usrg-review-packet.xml", share / "mime" / "packages" / "usrg-review-packet.xml")
    icons = ROOT / "resources" / "icons"
    hicolor = share / "icons" / "hicolor"
    _put(icons / "usrg-desktop.png", hicolor / "256x256" / "apps" / "usrg-desktop.png")
    _put(icons / "usrg-desktop.svg", hicolor / "scalable" / "apps" / "usrg-desktop.svg")
    doc = share / "doc" / PACKAGE
    _put(ROOT / "CHANGELOG.md", doc / "CHANGELOG.md")
    (doc / "copyright").write_text(
        "USRG Desktop\nCopyright South African Cities Network. All rights reserved.\n\n"
        "The DejaVu fonts in /opt/usrg-desktop are under their own licence: see\n"
        "/opt/usrg-desktop/_internal/usrg_desktop/_shipped/resources/fonts/LICENSE-DejaVu.txt\n"
    )
    for path in [*(staging / "usr").rglob("*")]:
        if path.is_dir():
            path.chmod(0o755)

    size_kib = sum(p.lstat().st_size for p in staging.rglob("*") if p.is_file()) // 1024
    debian = staging / "DEBIAN"
    debian.mkdir()
    control = {
        "Package": PACKAGE,
        "Version": version,
        "Section": "misc",
        "Priority": "optional",
        "Architecture": arch,
        "Maintainer": "South African Cities Network <urbansafety@sacities.net>",
        "Installed-Size": str(size_kib),
        "Depends": ", ".join([f"libc6 (>= {glibc()})", *DEPENDS]),
        "Recommends": ", ".join(RECOMMENDS),
        "Description": DESCRIPTION,
    }
    (debian / "control").write_text("".join(f"{k}: {v}\n" for k, v in control.items()))
    sums = []
    for path in sorted(staging.rglob("*")):
        if path.is_file() and not path.is_symlink() and debian not in path.parents:
            digest = hashlib.md5(path.read_bytes()).hexdigest()  # noqa: S324 - dpkg's format
            sums.append(f"{digest}  {path.relative_to(staging).as_posix()}\n")
    (debian / "md5sums").write_text("".join(sums))
    for path in (debian, debian / "control", debian / "md5sums"):
        path.chmod(0o755 if path.is_dir() else 0o644)


def main(argv: list[str] | None = None) -> int:
    """Build the package; print its path."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, help="the frozen folder (dist/usrg-desktop)")
    parser.add_argument("--out", type=Path, default=ROOT / "dist", help="where the .deb goes")
    args = parser.parse_args(argv)
    folder = args.folder.resolve()
    if not (folder / "usrg").is_file():
        sys.exit(f"No frozen program in {folder}: run 'make installer' first.")
    if shutil.which("dpkg-deb") is None:
        sys.exit("dpkg-deb is not installed: the Debian package is built on Debian or Ubuntu.")
    version, arch = frozen_version(folder), architecture()
    args.out.mkdir(parents=True, exist_ok=True)
    deb = args.out.resolve() / f"{PACKAGE}_{version}_{arch}.deb"
    with tempfile.TemporaryDirectory() as work:
        staging = Path(work) / "root"
        stage(folder, staging, version, arch)
        subprocess.run(
            ["dpkg-deb", "--root-owner-group", "-Zxz", "-z6", "--build", str(staging), str(deb)],
            check=True,
            stdout=subprocess.DEVNULL,
        )
    print(deb)
    return 0


if __name__ == "__main__":
    sys.exit(main())

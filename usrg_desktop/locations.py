"""Where a database file lives: on this computer, or on a network share.

SQLite's locking relies on the file system; on a network share (SMB/CIFS, NFS, AFP, WebDAV,
sshfs …) two workstations writing at once can damage the file. USRG Desktop warns when a
SQLite database is on one and points to a shared PostgreSQL server instead (README, "A shared
PostgreSQL database"). Nothing here imports Qt or SQLAlchemy.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path, PureWindowsPath

# File system types that are network shares, as Linux (/proc/self/mountinfo) and macOS
# (`mount`) name them.
NETWORK_FILE_SYSTEMS = frozenset(
    {
        "9p",
        "afpfs",
        "ceph",
        "cifs",
        "davfs",
        "fuse.davfs2",
        "fuse.rclone",
        "fuse.sshfs",
        "glusterfs",
        "ncpfs",
        "nfs",
        "nfs4",
        "smb3",
        "smbfs",
        "sshfs",
        "webdav",
    }
)


def _unescape(field: str) -> str:
    """Mount points in /proc/self/mountinfo escape space, tab, newline and backslash (\\040 …)."""
    return (field.replace("\\040", " ").replace("\\011", "\t").replace("\\012", "\n")).replace(
        "\\134", "\\"
    )


def mounts_from_mountinfo(text: str) -> list[tuple[str, str]]:
    """(mount point, file system type) of each line of Linux's /proc/self/mountinfo."""
    mounts = []
    for line in text.splitlines():
        before, sep, after = line.partition(" - ")
        fields = before.split()
        if not sep or len(fields) < 5 or not after.split():
            continue
        mounts.append((_unescape(fields[4]), after.split()[0]))
    return mounts


def mounts_from_mount_command(text: str) -> list[tuple[str, str]]:
    """(mount point, file system type) of each line of macOS's `mount`:
    '//user@server/share on /Volumes/share (smbfs, nodev, nosuid, mounted by user)'."""
    mounts = []
    for line in text.splitlines():
        _source, on, rest = line.partition(" on ")
        point, paren, options = rest.rpartition(" (")
        if not on or not paren:
            continue
        mounts.append((point, options.split(",")[0].strip(" )")))
    return mounts


def file_system_of(path: Path, mounts: list[tuple[str, str]]) -> str | None:
    """The type of the file system `path` is on: that of the longest mount point above it."""
    text = str(path)
    best: tuple[int, str] | None = None
    for point, kind in mounts:
        above = text == point or text.startswith(point.rstrip("/") + "/") or point == "/"
        if above and (best is None or len(point) > best[0]):
            best = (len(point), kind)
    return best[1] if best else None


def _mounts() -> list[tuple[str, str]]:
    if sys.platform.startswith("linux"):
        try:
            return mounts_from_mountinfo(Path("/proc/self/mountinfo").read_text(encoding="utf-8"))
        except OSError:
            return []
    if sys.platform == "darwin":
        try:
            shown = subprocess.run(["mount"], capture_output=True, text=True, timeout=5).stdout
        except (OSError, subprocess.SubprocessError):
            return []
        return mounts_from_mount_command(shown)
    return []


def _windows_network_drive(path: Path) -> bool:
    """A path on a mapped network drive (Windows: GetDriveType says DRIVE_REMOTE)."""
    if sys.platform != "win32":
        return False
    import ctypes

    drive = PureWindowsPath(str(path)).drive
    if not drive:
        return False
    drive_remote = 4
    return bool(ctypes.windll.kernel32.GetDriveTypeW(drive + "\\") == drive_remote)  # type: ignore[attr-defined]


def network_share(path: Path | str, mounts: list[tuple[str, str]] | None = None) -> str | None:
    """What kind of network share `path` is on ('SMB/CIFS share \\\\server\\share', 'network
    share (nfs4)'), or None when it is on this computer (or we cannot tell)."""
    text = str(path)
    if text.startswith(("\\\\", "//")):  # a UNC path: \\server\share\usrg.sqlite3
        parts = [p for p in text.replace("/", "\\").split("\\") if p]
        return "network share \\\\" + "\\".join(parts[:2]) if len(parts) >= 2 else "network share"
    resolved = Path(os.path.abspath(text))
    if _windows_network_drive(resolved):
        return f"network drive {PureWindowsPath(str(resolved)).drive}"
    kind = file_system_of(resolved, _mounts() if mounts is None else mounts)
    if kind in NETWORK_FILE_SYSTEMS:
        return f"network share ({kind})"
    return None


def network_share_warning(path: Path | str, mounts: list[tuple[str, str]] | None = None) -> str:
    """A sentence for a SQLite database on a network share ('' when it is not on one)."""
    share = network_share(path, mounts)
    if share is None:
        return ""
    return (
        f"The database {path} is on a {share}. SQLite's locking is not safe on network shares: "
        "two workstations writing at once can damage the file. Keep the file on this computer, "
        'or let the workstations share a PostgreSQL server (see the README, "A shared '
        'PostgreSQL database").'
    )

"""Before Qt opens a window on a Linux desktop (X11): are the system libraries its platform
plugin needs there? Qt's own message for a missing one ("Could not load the Qt platform plugin
'xcb'… This application failed to start") names neither the library nor the package; this
says which Debian/Ubuntu package to install instead.

Only the standard library: it runs before Qt is imported.
"""

from __future__ import annotations

import ctypes
import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path

# The Debian/Ubuntu package of each library Qt's X11 plugin may miss on a desktop machine.
PACKAGES = {
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-xfixes.so.0": "libxcb-xfixes0",
    "libxcb-xkb.so.1": "libxcb-xkb1",
    "libxcb-sync.so.1": "libxcb-sync1",
    "libxcb-shm.so.0": "libxcb-shm0",
    "libxcb-render.so.0": "libxcb-render0",
    "libxcb-xinput.so.0": "libxcb-xinput0",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libxkbcommon.so.0": "libxkbcommon0",
    "libX11-xcb.so.1": "libx11-xcb1",
    "libEGL.so.1": "libegl1",
    "libGL.so.1": "libgl1",
    "libOpenGL.so.0": "libopengl0",
    "libfontconfig.so.1": "libfontconfig1",
    "libdbus-1.so.3": "libdbus-1-3",
}
# Qt loads this one itself when it starts (since Qt 6.5), so no linker lists it.
LOADED_AT_START = ("libxcb-cursor.so.0",)
_NOT_FOUND = re.compile(r"^\s*(\S+)\s*=>\s*not found", re.MULTILINE)


def not_found_in_ldd(output: str) -> list[str]:
    """The libraries `ldd` printed as "not found", in order, once each."""
    return list(dict.fromkeys(_NOT_FOUND.findall(output)))


def _xcb_plugin_files() -> list[Path]:
    spec = importlib.util.find_spec("PySide6")
    if spec is None or spec.origin is None:
        return []
    qt = Path(spec.origin).parent / "Qt"
    files = [qt / "plugins" / "platforms" / "libqxcb.so", qt / "lib" / "libQt6XcbQpa.so.6"]
    return [f for f in files if f.exists()]


def missing_libraries() -> list[str]:
    """The libraries Qt's X11 plugin needs and this system lacks (empty when all are there,
    or when it cannot be told: no ldd, no plugin file)."""
    missing: list[str] = []
    for plugin in _xcb_plugin_files():
        try:
            result = subprocess.run(
                ["ldd", str(plugin)], capture_output=True, text=True, timeout=20, check=False
            )
        except (OSError, subprocess.SubprocessError):
            return []
        missing += not_found_in_ldd(result.stdout)
    for name in LOADED_AT_START:
        try:
            ctypes.CDLL(name)
        except OSError:
            missing.append(name)
    return list(dict.fromkeys(missing))


def advice(missing: list[str]) -> str:
    """A sentence naming the packages to install for these missing libraries."""
    packages = list(dict.fromkeys(PACKAGES.get(name, name) for name in missing))
    unknown = [name for name in missing if name not in PACKAGES]
    lines = [
        "USRG Desktop cannot open its window: this computer lacks "
        + ("a system library" if len(missing) == 1 else "system libraries")
        + " that Qt needs to show windows on the desktop ("
        + ", ".join(missing)
        + ").",
        "On Debian or Ubuntu, install " + ("it" if len(packages) == 1 else "them") + " with:",
        "    sudo apt-get install " + " ".join(packages),
    ]
    if unknown:
        lines.append("(Search your system's packages for " + ", ".join(unknown) + ".)")
    return "\n".join(lines)


def will_use_x11(environ: dict[str, str] | os._Environ[str] = os.environ) -> bool:
    """Whether Qt is about to open its windows through X11 (Linux, a DISPLAY, no other
    platform asked for and no Wayland session it would prefer)."""
    if not sys.platform.startswith("linux"):
        return False
    platform = environ.get("QT_QPA_PLATFORM", "")
    if platform:
        return platform.split(":")[0] == "xcb"
    return bool(environ.get("DISPLAY")) and not environ.get("WAYLAND_DISPLAY")


def check_before_qt() -> str | None:
    """The advice to print when Qt is about to fail for a missing library, else None."""
    if not will_use_x11():
        return None
    missing = missing_libraries()
    return advice(missing) if missing else None

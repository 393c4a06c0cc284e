"""Before Qt starts on an X11 desktop, a missing system library is named with its package."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from usrg_desktop import qt_libraries
from usrg_desktop.qt_libraries import advice, missing_libraries, not_found_in_ldd, will_use_x11

LDD = """\
\tlinux-vdso.so.1 (0x00007ffd6b1f2000)
\tlibQt6XcbQpa.so.6 => /x/Qt/lib/libQt6XcbQpa.so.6 (0x00007f)
\tlibxcb-icccm.so.4 => not found
\tlibxcb-keysyms.so.1 => not found
\tlibxcb-icccm.so.4 => not found
\tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x00007f)
"""


def test_ldd_output_gives_each_missing_library_once():
    assert not_found_in_ldd(LDD) == ["libxcb-icccm.so.4", "libxcb-keysyms.so.1"]
    assert not_found_in_ldd("\tlibc.so.6 => /lib/libc.so.6 (0x1)\n") == []


def test_the_advice_names_the_libraries_and_the_packages_to_install():
    text = advice(["libxcb-cursor.so.0", "libxcb-icccm.so.4", "libweird.so.9"])
    assert "(libxcb-cursor.so.0, libxcb-icccm.so.4, libweird.so.9)" in text
    assert "sudo apt-get install libxcb-cursor0 libxcb-icccm4 libweird.so.9" in text
    assert "Search your system's packages for libweird.so.9" in text
    single = advice(["libxcb-cursor.so.0"])
    assert "lacks a system library" in single and "install it with" in single


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="X11 is checked on Linux")
def test_only_an_x11_start_is_checked():
    assert will_use_x11({"DISPLAY": ":0"})
    assert will_use_x11({"QT_QPA_PLATFORM": "xcb", "DISPLAY": ":0"})
    assert not will_use_x11({"DISPLAY": ":0", "QT_QPA_PLATFORM": "offscreen"})
    assert not will_use_x11({"DISPLAY": ":0", "WAYLAND_DISPLAY": "wayland-0"})
    assert not will_use_x11({})


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="ldd is Linux's")
def test_the_real_plugin_is_read_and_a_library_it_lacks_is_reported(monkeypatch):
    # What this machine lacks, read with ldd off the installed plugin; then one more that is
    # surely absent, loaded the way Qt loads libxcb-cursor itself.
    lacking = missing_libraries()
    assert all(name.endswith(tuple(f".so.{n}" for n in range(10))) for name in lacking)
    monkeypatch.setattr(qt_libraries, "LOADED_AT_START", ("libusrg-surely-absent.so.7",))
    assert "libusrg-surely-absent.so.7" in missing_libraries()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="X11 is checked on Linux")
def test_the_program_says_which_package_to_install_instead_of_crashing(tmp_path):
    if not missing_libraries():
        pytest.skip("this machine has every library Qt's X11 plugin needs")
    env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "WAYLAND_DISPLAY")}
    env["DISPLAY"] = ":97"
    result = subprocess.run(
        [sys.executable, "-m", "usrg_desktop", "--database", str(tmp_path / "none.sqlite3")],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert result.returncode == 1
    assert "sudo apt-get install" in result.stderr
    assert "Traceback" not in result.stderr

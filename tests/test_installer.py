"""The installer files agree with the program: entry points, file type, resources they copy."""

from __future__ import annotations

import configparser
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
INSTALLER = ROOT / "installer"


def test_the_spec_names_entry_scripts_and_folders_that_exist():
    spec = (INSTALLER / "usrg-desktop.spec").read_text()
    for script in ("usrg_desktop_gui.py", "usrg_cli.py"):
        assert f'"{script}"' in spec
        assert (INSTALLER / script).is_file()
    for folder in ("resources", "db"):
        assert f'ROOT / "{folder}"' in spec
        assert (ROOT / folder).is_dir()


def test_the_desktop_entry_opens_review_packets():
    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str
    entry.read(INSTALLER / "linux" / "usrg-desktop.desktop")
    section = entry["Desktop Entry"]
    assert section["Exec"] == "usrg-desktop %f"
    mime = ET.parse(INSTALLER / "linux" / "usrg-review-packet.xml").getroot()
    ns = {"m": "http://www.freedesktop.org/standards/shared-mime-info"}
    packet = mime.find("m:mime-type", ns)
    assert packet is not None
    assert packet.get("type") + ";" == section["MimeType"]
    assert packet.find("m:glob", ns).get("pattern") == "*.usrgpacket"
    iss = (INSTALLER / "windows" / "usrg-desktop.iss").read_text()
    assert 'Subkey: "Software\\Classes\\.usrgpacket"' in iss


def test_the_desktop_entry_names_an_icon_that_ships():
    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str
    entry.read(INSTALLER / "linux" / "usrg-desktop.desktop")
    icon = entry["Desktop Entry"]["Icon"]
    for suffix in (".png", ".svg", ".ico", ".icns"):
        assert (ROOT / "resources" / "icons" / f"{icon}{suffix}").is_file()


def test_the_spec_ships_resources_and_migrations_where_the_wheel_has_them():
    spec = (INSTALLER / "usrg-desktop.spec").read_text()
    assert '"usrg_desktop/_shipped/resources"' in spec and '"usrg_desktop/_shipped/db"' in spec
    assert "BUNDLE(" in spec and '"usrgpacket"' in spec  # the macOS app and its document type


def test_the_debian_package_lays_out_what_the_check_expects(tmp_path):
    """Stage the package from a stand-in frozen folder; the check's paths must all be there."""
    import importlib.util

    def load(name: str):
        spec = importlib.util.spec_from_file_location(name, INSTALLER / "linux" / f"{name}.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module

    build, check = load("build_deb"), load("check_deb")
    frozen = tmp_path / "usrg-desktop"
    shipped = frozen / "_internal" / "usrg_desktop" / "_shipped"
    for name in ("usrg", "usrg-desktop"):
        (frozen / name).parent.mkdir(parents=True, exist_ok=True)
        (frozen / name).write_text("#!/bin/sh\n")
        (frozen / name).chmod(0o755)
    for rel in ("db/env.py", "resources/fonts/DejaVuSans.ttf"):
        (shipped / rel).parent.mkdir(parents=True, exist_ok=True)
        (shipped / rel).write_text("")
    staging = tmp_path / "root"
    build.stage(frozen, staging, "9.9.9", "amd64")
    for needed in check.NEEDED:
        path, _, target = needed.partition(" -> ")
        staged = staging / path
        assert staged.is_symlink() or staged.exists(), needed
        if target:
            assert str(staged.readlink()) == target
            assert staged.resolve() == (staging / target.replace("../../", "")).resolve()
    control = (staging / "DEBIAN" / "control").read_text()
    assert "Package: usrg-desktop\nVersion: 9.9.9\n" in control
    assert "Architecture: amd64" in control and "Depends: libc6 (>= " in control
    assert (staging / "opt" / "usrg-desktop" / "usrg").stat().st_mode & 0o777 == 0o755


def test_the_build_scripts_of_each_platform_are_one_command():
    assert (INSTALLER / "windows" / "build.ps1").is_file()
    ps1 = (INSTALLER / "windows" / "build.ps1").read_text()
    steps = ("pyinstaller", "smoke_test.py", "ISCC", "USRG_VERSION", "usrg_desktop.__version__")
    for step in steps:
        assert step in ps1
    iss = (INSTALLER / "windows" / "usrg-desktop.iss").read_text()
    assert "PrivilegesRequired=lowest" in iss  # installs without administrator rights
    for script in (INSTALLER / "macos" / "build.sh", INSTALLER / "linux" / "install.sh"):
        subprocess.run(["sh", "-n", str(script)], check=True)
    assert "hdiutil" in (INSTALLER / "macos" / "build.sh").read_text()

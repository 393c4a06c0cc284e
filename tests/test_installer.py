"""The installer files agree with the program: entry points, file type, resources they copy."""

from __future__ import annotations

import configparser
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

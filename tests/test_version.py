"""One version, kept in usrg_desktop/__init__.py, shown with the schema, database and log file."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from usrg_desktop import __version__, app, cli, settings, storage

ROOT = Path(__file__).resolve().parent.parent


def test_the_version_is_kept_in_one_place():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert "version" not in project["project"]
    assert project["tool"]["setuptools"]["dynamic"]["version"] == {
        "attr": "usrg_desktop.__version__"
    }
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert re.findall(r"^## (\S+)", changelog, re.M)[0] == __version__
    # The installers take the version from the package, never a copy of their own.
    for script in ROOT.joinpath("installer").rglob("*"):
        if script.is_file() and script.suffix in {".iss", ".ps1", ".sh", ".py", ".spec"}:
            assert not re.search(r"\b\d+\.\d+\.\d+\b", script.read_text()), script


@pytest.mark.parametrize("main, program", [(cli.main, "usrg"), (app.main, "usrg-desktop")])
def test_version_shows_schema_database_and_log_file(main, program, tmp_path, capsys):
    database = tmp_path / "usrg.sqlite3"
    with pytest.raises(SystemExit) if main is cli.main else _no_exit():
        main(["--database", str(database), "--version"])
    said = capsys.readouterr().out
    assert said.startswith(f"{program} {__version__}\n")
    assert f"Schema: {storage.head_revision()}" in said
    assert f"Database: {database} (new: created when first opened)" in said
    assert f"Log file: {settings.log_file()}" in said
    assert not database.exists(), "--version must not create the database"

    storage.open_database(database).dispose()
    with pytest.raises(SystemExit) if main is cli.main else _no_exit():
        main(["--database", str(database), "--version"])
    assert f"({'schema ' + storage.head_revision()})" in capsys.readouterr().out


def test_version_does_not_reach_for_a_server(capsys):
    url = "postgresql+psycopg://usrg:secret@192.0.2.1:5432/usrg"  # nothing answers there
    with pytest.raises(SystemExit):
        cli.main(["--database", url, "--version"])
    said = capsys.readouterr().out
    assert "usrg:***@192.0.2.1" in said and "secret" not in said
    assert "a server database" in said


class _no_exit:
    """`usrg-desktop`'s main returns the exit code instead of raising SystemExit."""

    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> bool:
        return False

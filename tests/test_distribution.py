"""The sdist and wheel work anywhere: built from a copy of the tree, installed outside it.

The wheel is built from the sdist (as `python -m build` does, with this environment's build
backend), installed into a fresh virtual environment in a temporary folder that sees this
project's dependencies but not its checkout or editable install, and run from there:
`usrg --version`, a demo database, letters for a round and `usrg-desktop --self-test`. Nothing
is downloaded. It takes about a minute.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

from usrg_desktop import __version__

ROOT = Path(__file__).resolve().parent.parent
# What a copy of the tree leaves out: environments, build output, caches, local databases,
# and the demo database's folder at the top (not the package usrg_desktop/workflows/demo).
_LEFT_OUT = shutil.ignore_patterns(
    ".git",
    ".venv",
    "build",
    "dist",
    "*.egg-info",
    "__pycache__",
    "*.pyc",
    ".pytest_cache",
    ".ruff_cache",
    ".hypothesis",
    "*.sqlite3*",
)


def _not_copied(folder: str, names: list[str]) -> set[str]:
    """shutil.copytree's ignore: what a copy of the tree leaves out."""
    left_out = set(_LEFT_OUT(folder, names))
    if Path(folder).resolve() == ROOT and "demo" in names:
        left_out.add("demo")
    return left_out


pytestmark = pytest.mark.distribution


def _run(command: list[str | Path], *, cwd: Path, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(
        [str(c) for c in command],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    said = done.stdout + done.stderr
    assert done.returncode == 0, f"{command} failed ({done.returncode}):\n{said}"
    return done.stdout


def _clean_env(home: Path) -> dict[str, str]:
    """The environment of a new user: no checkout on the path, no database chosen, no venv."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"PYTHONPATH", "VIRTUAL_ENV", "USRG_DATABASE", "USRG_USER", "PYTHONHOME"}
    }
    env.update(HOME=str(home), QT_QPA_PLATFORM="offscreen", XDG_DATA_HOME=str(home / "data"))
    return env


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, Path]:
    """(sdist, wheel) built from a copy of the working tree, the wheel from the sdist."""
    work = tmp_path_factory.mktemp("dist")
    source = work / "source"
    shutil.copytree(ROOT, source, ignore=_not_copied)
    out = work / "out"
    _run([sys.executable, "-m", "build", "--no-isolation", "--outdir", out, source], cwd=work)
    sdist = out / f"usrg_desktop-{__version__}.tar.gz"
    wheel = out / f"usrg_desktop-{__version__}-py3-none-any.whl"
    assert sdist.is_file() and wheel.is_file(), sorted(p.name for p in out.iterdir())
    return sdist, wheel


def test_the_sdist_carries_the_sources_a_wheel_is_built_from(built):
    sdist, _ = built
    with tarfile.open(sdist) as tar:
        names = {n.split("/", 1)[1] for n in tar.getnames() if "/" in n}
    for needed in (
        "setup.py",
        "pyproject.toml",
        "CHANGELOG.md",
        "resources/fonts/DejaVuSans.ttf",
        "resources/letters/award.txt",
        "db/env.py",
        "db/versions/0001_initial_schema_and_reference_data.py",
    ):
        assert needed in names
    assert not [n for n in names if "__pycache__" in n or n.endswith(".sqlite3")]


def test_the_wheel_carries_resources_and_migrations_as_package_data(built):
    _, wheel = built
    with zipfile.ZipFile(wheel) as whl:
        names = set(whl.namelist())
    shipped = "usrg_desktop/_shipped/"
    for folder in (ROOT / "resources", ROOT / "db"):
        for path in folder.rglob("*"):
            if path.is_file() and "__pycache__" not in path.parts:
                assert shipped + path.relative_to(ROOT).as_posix() in names, path
    # Nothing lands at the top of site-packages but the package and its metadata.
    tops = {n.split("/", 1)[0] for n in names}
    assert tops == {"usrg_desktop", f"usrg_desktop-{__version__}.dist-info"}


def test_the_wheel_works_in_a_fresh_environment_outside_the_checkout(built, tmp_path):
    _, wheel = built
    venv, home = tmp_path / "venv", tmp_path / "home"
    home.mkdir()
    env = _clean_env(home)
    _run([sys.executable, "-m", "venv", venv], cwd=tmp_path, env=env)
    python = venv / "bin" / "python"

    # The wheel itself is installed; its dependencies are this project's own environment's,
    # put on the new environment's path (nothing is downloaded, so the test runs offline and
    # whatever the clock says). Only the package's own folder is added: the checkout's editable
    # install is a .pth file there, which Python reads only in a site folder, so it stays off.
    def purelib(of: Path | str) -> str:
        code = "import sysconfig; print(sysconfig.get_paths()['purelib'])"
        return _run([of, "-c", code], cwd=tmp_path, env=env).strip()

    Path(purelib(python), "usrg-test-dependencies.pth").write_text(purelib(sys.executable) + "\n")
    _run(
        [python, "-m", "pip", "install", "--quiet", "--no-deps", "--no-index", wheel],
        cwd=tmp_path,
        env=env,
    )
    # Every dependency the wheel declares is met by what the environment now sees.
    _run([python, "-m", "pip", "check"], cwd=tmp_path, env=env)
    probe = (
        "import json, sys, usrg_desktop, usrg_desktop.resources as r; "
        "print(json.dumps([str(r.shipped_from()), usrg_desktop.__file__, sys.path]))"
    )
    shipped, package, path = json.loads(_run([python, "-c", probe], cwd=home, env=env))
    assert shipped.startswith(str(venv)) and package.startswith(str(venv))
    # The checkout is not on the path: only its environment's site-packages (the dependencies).
    assert [p for p in path if p.startswith(str(ROOT))] == [purelib(sys.executable)]

    usrg, desktop = venv / "bin" / "usrg", venv / "bin" / "usrg-desktop"
    assert _run([usrg, "--version"], cwd=home, env=env).startswith(f"usrg {__version__}")
    database = home / "demo.sqlite3"
    _run([usrg, "demo", "--database", database, "--today", "2026-11-25"], cwd=home, env=env)
    rounds = json.loads(_run([usrg, "rounds", "list", "--database", database, "--format", "json"],
                             cwd=home, env=env))  # fmt: skip
    decided = next(r["name"] for r in rounds if r["status"] == "decided")
    letters = _run(
        [usrg, "--user", "secretariat", "letters", "--database", database, "--round", decided,
         "--kind", "decline", "--out", home / "letters", "--yes"],
        cwd=home,
        env={**env, "USRG_PASSWORD": "demo-password"},
    )  # fmt: skip
    assert "Issued" in letters
    printed = list((home / "letters").glob("*.pdf"))
    assert printed and all(p.read_bytes().startswith(b"%PDF") for p in printed)
    report = _run([desktop, "--self-test", "--database", database], cwd=home, env=env)
    assert "Self-test passed" in report

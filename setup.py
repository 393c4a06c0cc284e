"""Build hook: the wheel carries the top-level `resources/` and `db/` as package data.

People edit `resources/` (fonts, letter templates, icons) and `db/` (the Alembic migrations)
where they are; a build copies both into `usrg_desktop/_shipped/`, where
`usrg_desktop.resources.resource_path` finds them with importlib.resources once installed.
An editable install (`pip install -e .`) copies nothing and reads the checkout's folders.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
SHIPPED = ("resources", "db")
LEFT_OUT = shutil.ignore_patterns("__pycache__", "*.pyc", "*.sqlite3*", "*.tmp")


class BuildPyWithShippedFolders(build_py):
    """`build_py` that also copies `resources/` and `db/` into the built package."""

    def run(self) -> None:
        """Build the package as usual, then add the shipped folders beside its modules."""
        super().run()
        if self.editable_mode:
            return
        target = Path(self.build_lib) / "usrg_desktop" / "_shipped"
        for folder in SHIPPED:
            if not (ROOT / folder).is_dir():
                raise SystemExit(f"The folder {folder}/ is missing: build from a full checkout.")
            shutil.rmtree(target / folder, ignore_errors=True)
            shutil.copytree(ROOT / folder, target / folder, ignore=LEFT_OUT)


setup(cmdclass={"build_py": BuildPyWithShippedFolders})

"""The layers below views/ never import Qt (docs/architecture.md, "The layers")."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "usrg_desktop"
QT_ALLOWED = {"views", "app.py", "__main__.py"}


def _below_views() -> list[Path]:
    return [
        p
        for p in sorted(PACKAGE.rglob("*.py"))
        if p.relative_to(PACKAGE).parts[0] not in QT_ALLOWED and p.name != "__main__.py"
    ]


def _module_name(path: Path) -> str:
    rel = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def test_no_qt_import_statement_below_views():
    offenders = []
    for path in _below_views():
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [
                f"{path.name}: {n}" for n in names if n.split(".")[0] in {"PySide6", "shiboken6"}
            ]
    assert offenders == []


def test_importing_every_module_below_views_loads_no_qt():
    modules = [_module_name(p) for p in _below_views()]
    code = (
        "import importlib, sys\n"
        f"for m in {modules!r}: importlib.import_module(m)\n"
        "leaked = sorted(m for m in sys.modules if m.startswith(('PySide6', 'shiboken6')))\n"
        "print(leaked); sys.exit(1 if leaked else 0)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


# -- views/: one door to the database ---------------------------------------------------------
# views/operations.py scopes every session (perform for actions, read for queries), and
# progress.py runs long work; no other screen module opens a session, runs SQL or imports what
# would let it (docs/architecture.md, "The layers").
VIEWS = PACKAGE / "views"
DOORS = {"operations.py", "progress.py"}
# From storage a screen needs the database handle it passes on, and the error it may catch.
STORAGE_NAMES_ALLOWED = {"Database", "StorageError"}
# Calls that scope a session or run SQL: the door's business only.
SESSION_CALLS = {
    "unit_of_work",
    "reading",
    "retrying",
    "session",
    "execute",
    "scalar",
    "scalars",
    "rows",
}
# Screens allowed to read through a session of their own while they are moved over: none now.
# A name added here must still offend (so the list only shrinks).
PENDING: set[str] = set()


def _screen_modules() -> list[Path]:
    return [p for p in sorted(VIEWS.glob("*.py")) if p.name not in DOORS]


def _orm_model_names(module: str) -> set[str]:
    """The names in a domain module that are mapped classes (tables), not plain enums."""
    import importlib

    from usrg_desktop.domain.base import Base

    loaded = importlib.import_module(module)
    return {
        name
        for name, value in vars(loaded).items()
        if isinstance(value, type) and issubclass(value, Base)
    }


def _door_offences(path: Path) -> list[str]:
    offences = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            offences += [
                f"imports {a.name}" for a in node.names if a.name.split(".")[0] == "sqlalchemy"
            ]
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level:  # relative: ..storage from views/ is usrg_desktop.storage
                module = "usrg_desktop." + module if node.level == 2 else module
            names = {a.name for a in node.names}
            if module.split(".")[0] == "sqlalchemy":
                offences.append(f"imports from {module}")
            elif module == "usrg_desktop.storage" and names - STORAGE_NAMES_ALLOWED:
                offences.append(f"imports {sorted(names - STORAGE_NAMES_ALLOWED)} from storage")
            elif module.startswith("usrg_desktop.domain") and module != "usrg_desktop.domain":
                models = names & _orm_model_names(module)
                if models:
                    offences.append(f"imports the mapped classes {sorted(models)}")
        elif isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name == "rows" and not ast.unparse(func).endswith("db.rows"):
                continue  # a widget's rows(), not the database's raw SQL
            if name in SESSION_CALLS:
                offences.append(f"calls {name}() on line {node.lineno}")
    return offences


def test_no_screen_opens_a_session_or_runs_sql_itself():
    offenders = {}
    for path in _screen_modules():
        offences = _door_offences(path)
        if offences:
            offenders[path.name] = offences
    assert {n: o for n, o in offenders.items() if n not in PENDING} == {}
    cleared = sorted(PENDING - set(offenders))
    assert cleared == [], f"{cleared} no longer read by themselves: take them off PENDING"


def test_the_door_check_finds_what_it_looks_for(tmp_path):
    """The check itself: each kind of offence in a made-up screen module is found."""
    screen = tmp_path / "made_up_view.py"
    screen.write_text(
        "from sqlalchemy import select\n"
        "from ..storage import Database, Contention\n"
        "from ..domain.grants import Application, ApplicationState\n"
        "def load(db):\n"
        "    with db.unit_of_work() as session:\n"
        "        return session.execute(select(Application)).all(), db.rows('SELECT 1')\n"
    )
    found = _door_offences(screen)
    assert found[:3] == [
        "imports from sqlalchemy",
        "imports ['Contention'] from storage",
        "imports the mapped classes ['Application']",
    ]
    assert {f.split(" on ")[0] for f in found[3:]} == {
        "calls unit_of_work()",
        "calls execute()",
        "calls rows()",
    }


def test_no_screen_digs_a_refusal_out_of_its_cause():
    """A quiet refusal carries its field errors and edit conflict (operations.Refused.errors,
    .conflict); reading `__cause__` is the door's business only."""
    digging = {
        path.name
        for path in _screen_modules()
        for node in ast.walk(ast.parse(path.read_text(), str(path)))
        if isinstance(node, ast.Attribute) and node.attr == "__cause__"
    }
    assert digging == set()


def test_every_workflow_module_lives_in_its_area_package():
    """workflows/ is grouped by area (docs/architecture.md, "Where things live"): a new module
    goes into the package of its area, so the folder names alone say where a behaviour is."""
    workflows = PACKAGE / "workflows"
    loose = sorted(p.name for p in workflows.glob("*.py") if p.name != "__init__.py")
    assert loose == [], f"modules loose in workflows/ (move each into its area's package): {loose}"
    packages = sorted(p.name for p in workflows.iterdir() if (p / "__init__.py").exists())
    assert packages == [
        "awards",
        "demo",
        "directory",
        "grants",
        "letters",
        "mail",
        "meetings",
        "reviews",
        "system",
    ]
    for name in packages:
        doc = ast.get_docstring(ast.parse((workflows / name / "__init__.py").read_text()))
        assert doc, f"workflows/{name}/__init__.py says in a docstring what the area holds"

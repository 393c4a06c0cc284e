"""Migrations build the schema the models describe, on both back ends, and seed reference data."""

from __future__ import annotations

import re

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from usrg_desktop import storage
from usrg_desktop.domain import Base
from usrg_desktop.resources import migrations_path


def test_fast_head_matches_alembic_head():
    assert storage.head_revision() == storage.alembic_head()


def test_every_migration_file_is_named_after_its_revision():
    for path in sorted((migrations_path() / "versions").glob("*.py")):
        match = re.search(r"^revision: str = ['\"](\w+)['\"]", path.read_text(), re.M)
        assert match, f"{path.name} declares no revision"
        assert path.name.startswith(match.group(1) + "_"), path.name


def test_migrated_schema_has_no_drift_from_the_models(any_db):
    with any_db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []


def test_every_model_table_exists(any_db):
    tables = set(inspect(any_db.engine).get_table_names())
    assert set(Base.metadata.tables) <= tables
    assert "alembic_version" in tables


def test_reference_data_is_seeded(any_db):
    cities = dict(any_db.rows("SELECT short_name, municipal_code FROM cities"))
    assert len(cities) == 9
    assert cities["eThekwini"] == "ETH"
    assert cities["Msunduzi"] == "KZN225"
    assert cities["Nelson Mandela Bay"] == "NMA"
    bodies = {r[0] for r in any_db.rows("SELECT official_name FROM bodies")}
    assert "Civilian Secretariat for Police Service" in bodies
    assert "South African Local Government Association" in bodies
    weights = [r[0] for r in any_db.rows("SELECT weight_percent FROM criteria ORDER BY position")]
    assert weights == [25, 20, 20, 15, 20]
    assert any_db.rows("SELECT COUNT(*) FROM criterion_levels")[0][0] == 25


def test_new_rows_after_seed_get_fresh_ids(any_db):
    from usrg_desktop.domain.directory import City

    with any_db.unit_of_work() as session:
        city = City(
            short_name="Polokwane",
            official_name="Polokwane Local Municipality",
            municipal_code="LIM354",
            province="Limpopo",
            category="intermediate city",
            seat="Polokwane",
            active=False,
        )
        session.add(city)
        session.flush()
        assert city.id == 10


def test_audit_log_refuses_update_and_delete(any_db):
    from datetime import UTC, datetime

    from sqlalchemy import text

    from usrg_desktop.workflows import Actor
    from usrg_desktop.workflows.system.audit_trail import audit

    with any_db.unit_of_work() as session:
        audit(
            session,
            actor=Actor(user_id=None, name="test", role="administrator"),
            now=datetime.now(UTC),
            entity="x",
            entity_id=1,
            action="made",
        )
    for statement in ("UPDATE audit_events SET reason = 'changed'", "DELETE FROM audit_events"):
        with pytest.raises(Exception, match="append-only"), any_db.unit_of_work() as session:
            session.execute(text(statement))
    assert any_db.rows("SELECT reason FROM audit_events") == [("",)]


def test_downgrade_to_nothing_and_back(any_db):
    from alembic import command

    with any_db.engine.begin() as conn:
        command.downgrade(storage.alembic_config(conn), "base")
    assert set(inspect(any_db.engine).get_table_names()) <= {"alembic_version"}
    storage.upgrade(any_db)
    assert any_db.rows("SELECT COUNT(*) FROM cities")[0][0] == 9

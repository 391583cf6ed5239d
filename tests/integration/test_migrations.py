"""The Alembic migrations build exactly the models' schema, on SQLite and on PostgreSQL, and start-up refuses a
schema that is not current, naming the command that fixes it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, inspect, text

from ocpp_soap import cli
from ocpp_soap.bootstrap import bootstrap
from ocpp_soap.config import Settings
from ocpp_soap.persistence import schema
from ocpp_soap.persistence.database import create_database_engine
from ocpp_soap.persistence.orm import Base
from tests.conftest import PostgresServer


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """An engine on an empty database: a new SQLite file, or a new PostgreSQL database (skipped without one)."""
    if request.param == "sqlite":
        engine = create_database_engine(f"sqlite:///{tmp_path / 'empty.sqlite3'}")
        yield engine
        engine.dispose()
        return
    server: PostgresServer = request.getfixturevalue("postgres")
    url = server.create()
    engine = create_database_engine(url)
    yield engine
    engine.dispose()
    server.drop(url)


def differences(engine: Engine) -> list[object]:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return list(compare_metadata(context, Base.metadata))


def test_migrations_produce_exactly_the_models_schema(empty_engine: Engine) -> None:
    status = schema.upgrade(empty_engine)
    assert status.state is schema.SchemaState.CURRENT
    assert differences(empty_engine) == []
    tables = set(inspect(empty_engine).get_table_names())
    assert tables == set(Base.metadata.tables) | {"alembic_version"}


def test_upgrade_twice_changes_nothing(empty_engine: Engine) -> None:
    schema.upgrade(empty_engine)
    assert schema.upgrade(empty_engine).current == (schema.head_revision(),)


def test_migrations_go_down_and_up_again(empty_engine: Engine) -> None:
    schema.upgrade(empty_engine)
    with empty_engine.begin() as connection:
        command.downgrade(schema.alembic_config(connection), "base")
    assert set(inspect(empty_engine).get_table_names()) <= {"alembic_version"}
    assert schema.status(empty_engine).state is schema.SchemaState.EMPTY
    schema.upgrade(empty_engine)
    assert differences(empty_engine) == []


def test_a_schema_from_before_migrations_is_adopted_by_upgrade(empty_engine: Engine) -> None:
    Base.metadata.create_all(empty_engine)
    assert schema.status(empty_engine).state is schema.SchemaState.UNVERSIONED
    with pytest.raises(schema.SchemaNotCurrent, match="ocpp-soap db upgrade"):
        bootstrap(Settings(database_url="sqlite://"), engine=empty_engine)
    assert schema.upgrade(empty_engine).state is schema.SchemaState.CURRENT
    assert differences(empty_engine) == []


def test_start_up_refuses_a_schema_that_is_behind(empty_engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    schema.upgrade(empty_engine)
    current = schema.head_revision()
    monkeypatch.setattr(schema, "head_revision", lambda: "9999")  # as if this release brought a new migration
    status = schema.status(empty_engine)
    assert status.state is schema.SchemaState.BEHIND
    with pytest.raises(schema.SchemaNotCurrent, match=rf"behind \(revision {current}, this release needs 9999\): run `ocpp-soap db upgrade`"):
        bootstrap(Settings(database_url="sqlite://"), engine=empty_engine)


def test_start_up_refuses_a_schema_from_a_newer_release(empty_engine: Engine) -> None:
    schema.upgrade(empty_engine)
    with empty_engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = 'f00dcafe'"))
    assert schema.status(empty_engine).state is schema.SchemaState.UNKNOWN
    with pytest.raises(schema.SchemaNotCurrent, match="newer ocpp-soap"):
        bootstrap(Settings(database_url="sqlite://"), engine=empty_engine)
    with pytest.raises(schema.SchemaNotCurrent):
        schema.upgrade(empty_engine)


def test_an_empty_sqlite_file_is_migrated_at_start(tmp_path: Path) -> None:
    gateway = bootstrap(Settings(database_url=f"sqlite:///{tmp_path / 'new.sqlite3'}"))
    try:
        assert schema.status(gateway.engine).state is schema.SchemaState.CURRENT
        assert differences(gateway.engine) == []
    finally:
        gateway.engine.dispose()


def test_an_empty_postgresql_database_is_refused_at_start(postgres: PostgresServer) -> None:
    url = postgres.create()
    engine = create_database_engine(url)
    try:
        with pytest.raises(schema.SchemaNotCurrent, match="no schema yet: run `ocpp-soap db upgrade`"):
            bootstrap(Settings(database_url="sqlite://"), engine=engine)
        assert inspect(engine).get_table_names() == []
    finally:
        engine.dispose()
        postgres.drop(url)


def test_plain_postgresql_urls_go_through_psycopg() -> None:
    engine = create_database_engine("postgresql://u:p@db.invalid/ocpp")
    assert engine.dialect.driver == "psycopg"
    assert create_database_engine("postgres://u:p@db.invalid/ocpp").dialect.driver == "psycopg"


def test_cli_db_upgrade_status_and_serve_refusal(
    empty_engine: Engine, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("OCPP_SOAP_DATABASE_URL", empty_engine.url.render_as_string(hide_password=False))
    if empty_engine.dialect.name == "postgresql":
        assert cli.main(["serve", "--bind", "127.0.0.1:1", "--workers", "1"]) == 2  # refused before gunicorn starts
        assert "run `ocpp-soap db upgrade`" in capsys.readouterr().err
    assert cli.main(["db", "status"]) == 1
    assert "no schema yet" in capsys.readouterr().out
    assert cli.main(["db", "upgrade"]) == 0
    assert f"up to date (revision {schema.head_revision()})" in capsys.readouterr().out
    assert cli.main(["db", "init"]) == 0  # an alias of upgrade
    assert cli.main(["db", "status"]) == 0
    monkeypatch.setattr(schema, "head_revision", lambda: "9999")
    assert cli.main(["serve", "--bind", "127.0.0.1:1", "--workers", "1"]) == 2
    assert "run `ocpp-soap db upgrade`" in capsys.readouterr().err

"""Schema versions: the Alembic migrations in ``migrations/``, configured in code (no alembic.ini), and the check
that start-up makes before serving.

- ``upgrade(engine)`` applies every migration not yet applied (``ocpp-soap db upgrade``). A database whose tables
  were created before migrations existed (by ``create_all``, no ``alembic_version`` table) is first stamped with
  the baseline revision, which creates exactly that schema, and then upgraded.
- ``check(engine, auto_upgrade_empty=...)`` refuses to go on unless the schema is at the newest revision. An empty
  database is migrated on the spot only when asked (the embedded SQLite default, so that it needs no set-up);
  anything else that is not current raises ``SchemaNotCurrent`` naming the command that fixes it.
"""

from __future__ import annotations

import enum
import logging
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, inspect

logger = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
BASELINE_REVISION = "0001"
UPGRADE_COMMAND = "ocpp-soap db upgrade"


class SchemaNotCurrent(RuntimeError):
    """The database schema is not the one this version of ocpp-soap works with."""


class SchemaState(enum.Enum):
    CURRENT = "current"
    EMPTY = "empty"  # no table at all
    UNVERSIONED = "unversioned"  # tables from before migrations, no alembic_version
    BEHIND = "behind"
    UNKNOWN = "unknown"  # a revision this code does not know: the database was migrated by a newer release


@dataclass(frozen=True)
class SchemaStatus:
    state: SchemaState
    current: tuple[str, ...]
    head: str

    def describe(self) -> str:
        revision = ", ".join(self.current) or "none"
        if self.state is SchemaState.CURRENT:
            return f"database schema is up to date (revision {self.head})"
        if self.state is SchemaState.EMPTY:
            return f"the database has no schema yet: run `{UPGRADE_COMMAND}` to create it"
        if self.state is SchemaState.UNVERSIONED:
            return f"the database schema predates migrations: run `{UPGRADE_COMMAND}` to adopt and upgrade it"
        if self.state is SchemaState.BEHIND:
            return f"the database schema is behind (revision {revision}, this release needs {self.head}): run `{UPGRADE_COMMAND}`"
        return (
            f"the database schema is at revision {revision}, which this release does not know (its newest is "
            f"{self.head}): it was migrated by a newer ocpp-soap; run that release"
        )


def alembic_config(connection: Connection | None = None) -> Config:
    """Alembic's configuration, built in code; ``connection`` is the one env.py migrates."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


@cache
def _scripts() -> ScriptDirectory:
    return ScriptDirectory.from_config(alembic_config())


def head_revision() -> str:
    head = _scripts().get_current_head()
    if head is None:
        raise RuntimeError("no migration scripts found in the installed package")
    return head


def status(engine: Engine) -> SchemaStatus:
    head = head_revision()
    with engine.connect() as connection:
        current = tuple(MigrationContext.configure(connection).get_current_heads())
        tables = set(inspect(connection).get_table_names()) - {"alembic_version"}
    if not current:
        state = SchemaState.UNVERSIONED if tables else SchemaState.EMPTY
    elif current == (head,):
        state = SchemaState.CURRENT
    elif all(_known(revision) for revision in current):
        state = SchemaState.BEHIND
    else:
        state = SchemaState.UNKNOWN
    return SchemaStatus(state, current, head)


def _known(revision: str) -> bool:
    try:
        return _scripts().get_revision(revision) is not None
    except Exception:  # noqa: BLE001 - alembic raises several kinds for an unknown id
        return False


def upgrade(engine: Engine) -> SchemaStatus:
    """Apply every pending migration; adopt a pre-migration schema first. Safe to run from several nodes at once."""
    before = status(engine)
    if before.state is SchemaState.UNKNOWN:
        raise SchemaNotCurrent(before.describe())
    with engine.begin() as connection:
        config = alembic_config(connection)
        if before.state is SchemaState.UNVERSIONED:
            logger.warning("database schema predates migrations: stamping it as revision %s", BASELINE_REVISION)
            command.stamp(config, BASELINE_REVISION)
        command.upgrade(config, "head")
    after = status(engine)
    if after.state is not SchemaState.CURRENT:
        raise SchemaNotCurrent(after.describe())
    return after


def check(engine: Engine, *, auto_upgrade_empty: bool) -> SchemaStatus:
    """Raise ``SchemaNotCurrent`` unless the schema is current; migrate an empty database if ``auto_upgrade_empty``."""
    current = status(engine)
    if current.state is SchemaState.EMPTY and auto_upgrade_empty:
        logger.info("empty database: creating the schema (revision %s)", current.head)
        return upgrade(engine)
    if current.state is not SchemaState.CURRENT:
        raise SchemaNotCurrent(current.describe())
    return current

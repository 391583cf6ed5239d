"""Alembic environment: migrates the connection that ``ocpp_soap.persistence.schema`` hands over in
``config.attributes["connection"]``, against the ORM's metadata. Offline (SQL script) mode is not supported."""

from __future__ import annotations

from typing import Any, Literal

from alembic import context
from alembic.autogenerate.api import AutogenContext
from sqlalchemy import text

from ocpp_soap.persistence.orm import Base, UtcDateTime

# Any constant will do: it only has to be the same for every node that migrates this database.
MIGRATION_LOCK_ID = 0x0C99_50A9


def render_item(kind: str, item: Any, autogen_context: AutogenContext) -> str | Literal[False]:
    """Write the ORM's UtcDateTime as the plain column type it is, so that migrations never import the ORM."""
    if kind == "type" and isinstance(item, UtcDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def run_migrations_online() -> None:
    connection = context.config.attributes.get("connection")
    if connection is None:
        raise RuntimeError("run migrations through `ocpp-soap db upgrade` (ocpp_soap.persistence.schema)")
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite alters tables by copying them
        compare_type=True,
        render_item=render_item,
    )
    with context.begin_transaction():
        if connection.dialect.name == "postgresql":
            # Nodes started together migrate one after the other; the second finds nothing left to do.
            connection.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": MIGRATION_LOCK_ID})
        context.run_migrations()


if context.is_offline_mode():
    raise RuntimeError("offline migrations are not supported: run `ocpp-soap db upgrade` against the database")
run_migrations_online()

"""What stations report besides sessions, in SQL: connector status (current and history) and data transfers."""

from __future__ import annotations

import functools
from typing import Any

from sqlalchemy import insert
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from ...domain.model import (
    ConnectorStatusChange,
    DataTransferRecord,
)
from ..core_execution import execute
from ..orm import (
    ConnectorRow,
    ConnectorStatusRow,
    DataTransferRow,
    table_of,
)


class SqlConnectorRepository:
    """Connector status: the history row appended with a Core INSERT, the current row written with one upsert."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def record_status(self, change: ConnectorStatusChange) -> None:
        fields = dict(
            status=change.status.value,
            error_code=change.error_code.value,
            info=change.info,
            vendor_id=change.vendor_id,
            vendor_error_code=change.vendor_error_code,
            status_timestamp=change.timestamp,
        )
        key = dict(charge_box_id=change.charge_box_id, connector_id=change.connector_id)
        execute(self._session, _INSERT_STATUS_HISTORY, {**key, **fields, "received_at": change.received_at})
        # INSERT ... ON CONFLICT DO UPDATE (PostgreSQL and SQLite): a concurrent first notification for the same
        # connector cannot fail this one, and a known connector costs no SELECT first.
        upsert = _connector_upsert(self._session.get_bind().dialect.name)
        execute(self._session, upsert, {**key, **fields, "updated_at": change.received_at})


_STATUS_HISTORY = table_of(ConnectorStatusRow)
_INSERT_STATUS_HISTORY = insert(_STATUS_HISTORY)
_CONNECTORS = table_of(ConnectorRow)


@functools.cache
def _connector_upsert(dialect: str) -> Any:
    kept = [c.name for c in _CONNECTORS.c if c.name not in ("charge_box_id", "connector_id")]
    keys = [_CONNECTORS.c.charge_box_id, _CONNECTORS.c.connector_id]
    if dialect == "postgresql":
        pg = postgresql_insert(_CONNECTORS)
        return pg.on_conflict_do_update(index_elements=keys, set_={name: pg.excluded[name] for name in kept})
    lite = sqlite_insert(_CONNECTORS)
    return lite.on_conflict_do_update(index_elements=keys, set_={name: lite.excluded[name] for name in kept})


class SqlDataTransferRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, record: DataTransferRecord) -> None:
        self._session.add(
            DataTransferRow(
                charge_box_id=record.charge_box_id,
                vendor_id=record.vendor_id,
                message_id=record.message_id,
                data=record.data,
                status=record.status.value,
                response_data=record.response_data,
                received_at=record.received_at,
            )
        )

"""The relay's records as a station's request writes them, inside that request's unit of work (``uow.relay``):
the queue of messages for the back office, id mappings, connector states as told upstream, and the per-station
relay settings the API changes. The relay process's own bookkeeping (leases, links, deliveries) is in
:mod:`.relay_store`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, delete, func, insert, select, text, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from ...relay.model import IdKind, IdMapping, OutboxEntry, OutboxState, RelayConfig
from ..core_execution import execute
from ..orm import TransactionRow
from ..relay_orm import RelayConnectorRow, RelayCounterRow, RelayIdRow, RelayOutboxRow, RelayStationRow

WAKE_CHANNEL = "ocpp_relay"
"""The PostgreSQL channel relay processes LISTEN on: asks from workers, and wake-ups when messages were queued."""

_OUTBOX = cast(Table, RelayOutboxRow.__table__)
_IDS = cast(Table, RelayIdRow.__table__)
_CONNECTORS = cast(Table, RelayConnectorRow.__table__)
_STATIONS = cast(Table, RelayStationRow.__table__)
_TRANSACTIONS = cast(Table, TransactionRow.__table__)
_COUNTERS = cast(Table, RelayCounterRow.__table__)


def upsert(session: Session, table: Table) -> Any:
    """``INSERT`` with the dialect's ``ON CONFLICT`` clauses available (SQLite and PostgreSQL spell it alike)."""
    if session.get_bind().dialect.name == "postgresql":
        return postgresql_insert(table)
    return sqlite_insert(table)


class SqlRelayRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    # -- the queue ------------------------------------------------------------------------------------------------

    def append(self, entries: Iterable[OutboxEntry]) -> None:
        rows = [
            {
                "charge_box_id": entry.charge_box_id,
                "action": entry.action,
                "payload": entry.payload,
                "key": entry.key,
                "session_id": entry.session_id,
                "origin": entry.origin.value,
                "state": OutboxState.QUEUED.value,
                "created_at": entry.created_at,
                "attempts": 0,
            }
            for entry in entries
        ]
        if rows:
            execute(self._session, insert(_OUTBOX), rows)

    def queue_length(self, charge_box_id: str) -> int:
        return int(
            execute(
                self._session,
                select(func.count()).select_from(_OUTBOX).where(
                    _OUTBOX.c.charge_box_id == charge_box_id, _OUTBOX.c.state == OutboxState.QUEUED.value
                ),
            ).scalar_one()
        )

    def wake(self, charge_box_id: str) -> None:
        """On PostgreSQL, wake the relay processes when this transaction commits (NOTIFY is delivered at COMMIT
        and not at all on ROLLBACK); elsewhere the caller nudges the relay after the commit."""
        if self._session.get_bind().dialect.name == "postgresql":
            payload = json.dumps({"t": "wake", "s": charge_box_id})
            execute(self._session, text("SELECT pg_notify(:channel, :payload)"),
                    {"channel": WAKE_CHANNEL, "payload": payload})

    def count(self, operation: str, outcome: str, amount: int = 1) -> None:
        """Add to the counters /metrics shows (``forwarded``, ``failed``, ``dropped`` per operation)."""
        statement = upsert(self._session, _COUNTERS).values(operation=operation, outcome=outcome, count=amount)
        execute(self._session, statement.on_conflict_do_update(
            index_elements=["operation", "outcome"], set_={"count": _COUNTERS.c.count + amount}))

    # -- id mappings ----------------------------------------------------------------------------------------------

    def map_ids(self, mapping: IdMapping, now: datetime) -> None:
        """Record a mapping; an existing one for the same local id is kept as it is (a resent request)."""
        statement = upsert(self._session, _IDS).values(
            kind=mapping.kind.value, local_id=mapping.local_id, charge_box_id=mapping.charge_box_id,
            station_id=mapping.station_id, csms_id=mapping.csms_id, created_at=now,
        ).on_conflict_do_nothing(index_elements=["kind", "local_id"])
        execute(self._session, statement)

    def mapping(self, kind: IdKind, local_id: int) -> IdMapping | None:
        row = execute(self._session, select(_IDS).where(_IDS.c.kind == kind.value, _IDS.c.local_id == local_id)).first()
        return None if row is None else _mapping(row)

    def local_for_station_id(self, kind: IdKind, charge_box_id: str, station_id: int) -> int | None:
        """The local id of the newest session this station knows as ``station_id``."""
        row = execute(
            self._session,
            select(_IDS.c.local_id).where(
                _IDS.c.charge_box_id == charge_box_id, _IDS.c.kind == kind.value, _IDS.c.station_id == station_id
            ).order_by(_IDS.c.local_id.desc()).limit(1),
        ).first()
        return None if row is None else int(row.local_id)

    def local_for_csms_id(self, kind: IdKind, charge_box_id: str, csms_id: int) -> int | None:
        row = execute(
            self._session,
            select(_IDS.c.local_id).where(
                _IDS.c.charge_box_id == charge_box_id, _IDS.c.kind == kind.value, _IDS.c.csms_id == csms_id
            ).order_by(_IDS.c.local_id.desc()).limit(1),
        ).first()
        return None if row is None else int(row.local_id)

    def set_csms_id(self, kind: IdKind, local_id: int, csms_id: int) -> None:
        execute(
            self._session,
            update(_IDS).where(_IDS.c.kind == kind.value, _IDS.c.local_id == local_id).values(csms_id=csms_id),
        )

    def station_id_in_use(self, charge_box_id: str, station_id: int) -> bool:
        """Whether an open session of this station is known to it as ``station_id`` (its mapped id, or else its
        local id): a back-office id equal to it must not be handed out."""
        known_as = func.coalesce(_IDS.c.station_id, _TRANSACTIONS.c.transaction_id)
        query = (
            select(_TRANSACTIONS.c.transaction_id)
            .select_from(_TRANSACTIONS.outerjoin(
                _IDS, (_IDS.c.kind == IdKind.TRANSACTION.value) & (_IDS.c.local_id == _TRANSACTIONS.c.transaction_id)
            ))
            .where(
                _TRANSACTIONS.c.charge_box_id == charge_box_id,
                _TRANSACTIONS.c.stopped_at.is_(None),
                known_as == station_id,
            )
            .limit(1)
        )
        return execute(self._session, query).first() is not None

    # -- connector states as the back office knows them ------------------------------------------------------------

    def connector_status(self, charge_box_id: str, connector_id: int) -> str | None:
        row = execute(
            self._session,
            select(_CONNECTORS.c.status).where(
                _CONNECTORS.c.charge_box_id == charge_box_id, _CONNECTORS.c.connector_id == connector_id
            ),
        ).first()
        return None if row is None else str(row.status)

    def connector_statuses(self, charge_box_id: str) -> dict[int, tuple[str, str]]:
        rows = execute(
            self._session,
            select(_CONNECTORS.c.connector_id, _CONNECTORS.c.status, _CONNECTORS.c.error_code)
            .where(_CONNECTORS.c.charge_box_id == charge_box_id).order_by(_CONNECTORS.c.connector_id),
        ).all()
        return {int(r.connector_id): (str(r.status), str(r.error_code)) for r in rows}

    def set_connector_status(
        self, charge_box_id: str, connector_id: int, status: str, error_code: str, at: datetime
    ) -> None:
        values = {"status": status, "error_code": error_code, "at": at}
        statement = upsert(self._session, _CONNECTORS).values(
            charge_box_id=charge_box_id, connector_id=connector_id, **values
        ).on_conflict_do_update(index_elements=["charge_box_id", "connector_id"], set_=values)
        execute(self._session, statement)

    # -- per-station settings -----------------------------------------------------------------------------------

    def config(self, charge_box_id: str) -> RelayConfig | None:
        row = execute(self._session, select(_STATIONS).where(_STATIONS.c.charge_box_id == charge_box_id)).first()
        return None if row is None else _config(row)

    def configs(self) -> list[RelayConfig]:
        return [_config(row) for row in execute(self._session, select(_STATIONS)).all()]

    def put_config(self, config: RelayConfig) -> None:
        values = {"enabled": config.enabled, "url": config.url, "password": config.password,
                  "updated_at": config.updated_at}
        statement = upsert(self._session, _STATIONS).values(charge_box_id=config.charge_box_id, **values)
        execute(self._session, statement.on_conflict_do_update(index_elements=["charge_box_id"], set_=values))

    def delete_config(self, charge_box_id: str) -> None:
        execute(self._session, delete(_STATIONS).where(_STATIONS.c.charge_box_id == charge_box_id))


def _mapping(row: Any) -> IdMapping:
    return IdMapping(IdKind(row.kind), row.charge_box_id, int(row.local_id), row.station_id, row.csms_id)


def _config(row: Any) -> RelayConfig:
    return RelayConfig(row.charge_box_id, bool(row.enabled), row.url, row.password, row.updated_at)

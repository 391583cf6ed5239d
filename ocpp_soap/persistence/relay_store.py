"""The relay process's bookkeeping in SQL: its lease (``relay_nodes``), the links it owns (``relay_links``, fenced
by ``epoch``), deliveries from the queue, the answers it keeps, and the counters /metrics reads.

Times that decide ownership come from the database's clock on PostgreSQL (nodes on several machines compare them),
and from this machine's on SQLite (one node).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any, cast

from sqlalchemy import Table, delete, func, or_, select, update
from sqlalchemy.orm import Session

from ..relay.model import LinkState, Origin, OutboxEntry, OutboxState, RelayedStation
from .core_execution import execute
from .orm import ConnectorRow, MeterValueRow, StationRow
from .relay_orm import (
    RelayAnswerRow,
    RelayCounterRow,
    RelayLinkRow,
    RelayNodeRow,
    RelayOutboxRow,
    RelayStationRow,
)
from .repositories.relay import upsert
from .unit_of_work import SqlAlchemyUnitOfWork

_NODES = cast(Table, RelayNodeRow.__table__)
_LINKS = cast(Table, RelayLinkRow.__table__)
_OUTBOX = cast(Table, RelayOutboxRow.__table__)
_ANSWERS = cast(Table, RelayAnswerRow.__table__)
_COUNTERS = cast(Table, RelayCounterRow.__table__)
_CONFIG = cast(Table, RelayStationRow.__table__)
_STATIONS = cast(Table, StationRow.__table__)


class SqlRelayStore:
    def __init__(self, session: Session) -> None:
        self._session = session

    def now(self) -> Any:
        """The time that leases are compared with: the database's on PostgreSQL, this machine's elsewhere."""
        if self._session.get_bind().dialect.name == "postgresql":
            return func.now()
        return datetime.now(UTC)

    # -- nodes ------------------------------------------------------------------------------------------------

    def renew_node(self, node_id: str, host: str, pid: int, ttl: float) -> None:
        now = self.now()
        expires = now + timedelta(seconds=ttl)
        values = {"renewed_at": now, "expires_at": expires}
        statement = upsert(self._session, _NODES).values(
            node_id=node_id, host=host[:255], pid=pid, started_at=now, **values
        ).on_conflict_do_update(index_elements=["node_id"], set_=values)
        execute(self._session, statement)

    def delete_node(self, node_id: str) -> None:
        """A clean stop: the node's stations are free at once, not after its lease."""
        execute(self._session, update(_LINKS).where(_LINKS.c.owner_node == node_id)
                .values(owner_node=None, connected=False, state_since=datetime.now(UTC), updated_at=datetime.now(UTC)))
        execute(self._session, delete(_NODES).where(_NODES.c.node_id == node_id))

    def live_nodes(self) -> list[str]:
        return list(execute(self._session, select(_NODES.c.node_id).where(_NODES.c.expires_at > self.now())).scalars())

    def prune_nodes(self, older_than: timedelta) -> None:
        execute(self._session, delete(_NODES).where(_NODES.c.expires_at < self.now() - older_than))

    # -- which stations, and who owns them ----------------------------------------------------------------------

    def relayed_stations(self, default_url: str | None) -> list[RelayedStation]:
        """Stations seen at least once (bound to a version) whose settings relay them, with their URL."""
        query = (
            select(_STATIONS.c.charge_box_id, _STATIONS.c.last_seen_at, _CONFIG.c.enabled, _CONFIG.c.url,
                   _CONFIG.c.password)
            .select_from(_STATIONS.outerjoin(_CONFIG, _CONFIG.c.charge_box_id == _STATIONS.c.charge_box_id))
            .where(_STATIONS.c.protocol.is_not(None))
        )
        if default_url is None:
            query = query.where(_CONFIG.c.enabled.is_(True), _CONFIG.c.url.is_not(None))
        else:
            query = query.where(or_(_CONFIG.c.charge_box_id.is_(None), _CONFIG.c.enabled.is_(True)))
        found = []
        for row in execute(self._session, query):
            url = row.url or default_url
            if url is not None:
                found.append(RelayedStation(row.charge_box_id, url, row.password, row.last_seen_at))
        return found

    def station(self, charge_box_id: str, default_url: str | None) -> RelayedStation | None:
        for station in self._relayed_one(charge_box_id, default_url):
            return station
        return None

    def _relayed_one(self, charge_box_id: str, default_url: str | None) -> Iterable[RelayedStation]:
        row = execute(
            self._session,
            select(_STATIONS.c.charge_box_id, _STATIONS.c.last_seen_at, _STATIONS.c.protocol, _CONFIG.c.enabled,
                   _CONFIG.c.url, _CONFIG.c.password)
            .select_from(_STATIONS.outerjoin(_CONFIG, _CONFIG.c.charge_box_id == _STATIONS.c.charge_box_id))
            .where(_STATIONS.c.charge_box_id == charge_box_id),
        ).first()
        if row is None or row.protocol is None or row.enabled is False:
            return ()
        url = row.url or default_url
        return () if url is None else (RelayedStation(row.charge_box_id, url, row.password, row.last_seen_at),)

    def claim(self, node_id: str, charge_box_ids: Iterable[str]) -> None:
        """Take the given stations where nobody alive owns them; each change of owner raises the link's epoch."""
        ids = list(charge_box_ids)
        if not ids:
            return
        now = self.now()
        stamp = datetime.now(UTC)
        existing = set(execute(self._session, select(_LINKS.c.charge_box_id).where(_LINKS.c.charge_box_id.in_(ids))).scalars())
        new = [cb for cb in ids if cb not in existing]
        if new:
            rows = [{"charge_box_id": cb, "owner_node": node_id, "epoch": 1, "connected": False, "updated_at": stamp}
                    for cb in new]
            execute(self._session, upsert(self._session, _LINKS).values(rows)
                    .on_conflict_do_nothing(index_elements=["charge_box_id"]))
        alive = select(_NODES.c.node_id).where(_NODES.c.expires_at > now)
        execute(
            self._session,
            update(_LINKS)
            .where(
                _LINKS.c.charge_box_id.in_(ids),
                or_(_LINKS.c.owner_node.is_(None), _LINKS.c.owner_node.not_in(alive)),
            )
            .values(owner_node=node_id, epoch=_LINKS.c.epoch + 1, connected=False, updated_at=stamp),
        )

    def owners(self, charge_box_ids: Iterable[str]) -> dict[str, str | None]:
        """The live owner of each station (None: nobody alive owns it)."""
        ids = list(charge_box_ids)
        alive = set(self.live_nodes())
        rows = execute(self._session, select(_LINKS.c.charge_box_id, _LINKS.c.owner_node)
                       .where(_LINKS.c.charge_box_id.in_(ids))).all() if ids else []
        found = {row.charge_box_id: (row.owner_node if row.owner_node in alive else None) for row in rows}
        return {cb: found.get(cb) for cb in ids}

    def owned(self, node_id: str) -> dict[str, int]:
        """The stations this node owns, with the epoch it owns each at."""
        rows = execute(self._session, select(_LINKS.c.charge_box_id, _LINKS.c.epoch).where(_LINKS.c.owner_node == node_id))
        return {row.charge_box_id: int(row.epoch) for row in rows}

    def count_owned(self) -> dict[str, int]:
        rows = execute(self._session, select(_LINKS.c.owner_node, func.count().label("n"))
                       .where(_LINKS.c.owner_node.is_not(None)).group_by(_LINKS.c.owner_node))
        return {str(row.owner_node): int(row.n) for row in rows}

    def release(self, node_id: str, charge_box_ids: Iterable[str]) -> None:
        ids = list(charge_box_ids)
        if ids:
            execute(self._session, update(_LINKS).where(_LINKS.c.owner_node == node_id, _LINKS.c.charge_box_id.in_(ids))
                    .values(owner_node=None, connected=False, state_since=datetime.now(UTC), updated_at=datetime.now(UTC)))

    def prune_links(self) -> None:
        """Links of stations that are gone (deleted, or never recorded after a first message)."""
        stale = select(_LINKS.c.charge_box_id).where(
            _LINKS.c.owner_node.is_(None), _LINKS.c.charge_box_id.not_in(select(_STATIONS.c.charge_box_id)))
        execute(self._session, delete(_LINKS).where(_LINKS.c.charge_box_id.in_(stale.scalar_subquery())))

    # -- a link's state, written only by its owner -----------------------------------------------------------------

    def still_owner(self, charge_box_id: str, node_id: str, epoch: int) -> bool:
        row = execute(self._session, select(_LINKS.c.epoch).where(
            _LINKS.c.charge_box_id == charge_box_id, _LINKS.c.owner_node == node_id)).first()
        return row is not None and int(row.epoch) == epoch

    def update_link(self, charge_box_id: str, node_id: str, epoch: int, **values: Any) -> bool:
        """Write the link's state if this node still owns it at this epoch; False: it was taken over."""
        values.setdefault("updated_at", datetime.now(UTC))
        result = execute(self._session, update(_LINKS).where(
            _LINKS.c.charge_box_id == charge_box_id, _LINKS.c.owner_node == node_id, _LINKS.c.epoch == epoch,
        ).values(**values))
        return bool(result.rowcount)

    def link(self, charge_box_id: str) -> LinkState | None:
        row = execute(self._session, select(_LINKS).where(_LINKS.c.charge_box_id == charge_box_id)).first()
        if row is None:
            return None
        return LinkState(row.charge_box_id, row.owner_node, int(row.epoch), bool(row.connected), row.state_since,
                         row.last_error, row.last_error_at, row.registration, row.registered_url,
                         row.heartbeat_interval)

    # -- the queue ----------------------------------------------------------------------------------------------

    def queued(self, charge_box_id: str, limit: int) -> list[OutboxEntry]:
        rows = execute(self._session, select(_OUTBOX).where(
            _OUTBOX.c.charge_box_id == charge_box_id, _OUTBOX.c.state == OutboxState.QUEUED.value,
        ).order_by(_OUTBOX.c.id).limit(limit)).all()
        return [outbox_entry(row) for row in rows]

    def first_queued(self, charge_box_id: str, action: str) -> OutboxEntry | None:
        row = execute(self._session, select(_OUTBOX).where(
            _OUTBOX.c.charge_box_id == charge_box_id, _OUTBOX.c.state == OutboxState.QUEUED.value,
            _OUTBOX.c.action == action,
        ).order_by(_OUTBOX.c.id).limit(1)).first()
        return None if row is None else outbox_entry(row)

    def stations_with_queue(self, node_id: str) -> list[str]:
        query = (
            select(_OUTBOX.c.charge_box_id).distinct()
            .select_from(_OUTBOX.join(_LINKS, _LINKS.c.charge_box_id == _OUTBOX.c.charge_box_id))
            .where(_OUTBOX.c.state == OutboxState.QUEUED.value, _LINKS.c.owner_node == node_id)
        )
        return list(execute(self._session, query).scalars())

    def finish(self, entry_id: int, state: OutboxState, *, answer: dict[str, Any] | None = None,
               error: str | None = None) -> None:
        execute(self._session, update(_OUTBOX).where(_OUTBOX.c.id == entry_id).values(
            state=state.value, answer=answer, error=error, done_at=datetime.now(UTC), attempts=_OUTBOX.c.attempts + 1,
        ))

    def attempted(self, entry_id: int, error: str) -> None:
        execute(self._session, update(_OUTBOX).where(_OUTBOX.c.id == entry_id)
                .values(attempts=_OUTBOX.c.attempts + 1, error=error))

    def prune_outbox(self, done_before: datetime, limit: int = 5000) -> int:
        oldest = select(_OUTBOX.c.id).where(_OUTBOX.c.done_at < done_before, _OUTBOX.c.state == OutboxState.ACKED.value
                                            ).limit(limit)
        result = execute(self._session, delete(_OUTBOX).where(_OUTBOX.c.id.in_(oldest.scalar_subquery())))
        return int(result.rowcount or 0)

    # -- answers kept for resends and late takers ------------------------------------------------------------------

    def answer(self, key: str) -> dict[str, Any] | None:
        row = execute(self._session, select(_ANSWERS.c.answer).where(_ANSWERS.c.key == key)).first()
        return None if row is None else dict(row.answer)

    def answers(self, keys: Iterable[str]) -> dict[str, dict[str, Any]]:
        wanted = [key for key in keys if key]
        if not wanted:
            return {}
        rows = execute(self._session, select(_ANSWERS.c.key, _ANSWERS.c.answer).where(_ANSWERS.c.key.in_(wanted)))
        return {row.key: dict(row.answer) for row in rows}

    def keep_answer(self, key: str, charge_box_id: str, action: str, answer: dict[str, Any]) -> None:
        statement = upsert(self._session, _ANSWERS).values(
            key=key, charge_box_id=charge_box_id, action=action, answer=answer, at=datetime.now(UTC)
        ).on_conflict_do_nothing(index_elements=["key"])
        execute(self._session, statement)

    def prune_answers(self, before: datetime) -> None:
        execute(self._session, delete(_ANSWERS).where(_ANSWERS.c.at < before))

    # -- counters ---------------------------------------------------------------------------------------------

    def count(self, operation: str, outcome: str, amount: int = 1) -> None:
        statement = upsert(self._session, _COUNTERS).values(operation=operation, outcome=outcome, count=amount)
        execute(self._session, statement.on_conflict_do_update(
            index_elements=["operation", "outcome"], set_={"count": _COUNTERS.c.count + amount}))


def outbox_entry(row: Any) -> OutboxEntry:
    return OutboxEntry(row.charge_box_id, row.action, dict(row.payload), row.created_at, Origin(row.origin), row.key,
                       int(row.id), int(row.attempts), row.session_id)


def stored_connectors(session: Session, charge_box_id: str) -> list[tuple[int, str, str, Any]]:
    """Each connector's status as the station last reported it: (connector, status, error code, its time)."""
    table = cast(Table, ConnectorRow.__table__)
    rows = execute(session, select(table.c.connector_id, table.c.status, table.c.error_code, table.c.status_timestamp,
                                   table.c.updated_at).where(table.c.charge_box_id == charge_box_id)
                   .order_by(table.c.connector_id))
    return [(int(r.connector_id), r.status, r.error_code, r.status_timestamp or r.updated_at) for r in rows]


def latest_readings(session: Session, charge_box_id: str, connector_id: int) -> list[Any]:
    """The sampled values of the connector's newest stored reading (one timestamp), oldest row first."""
    table = cast(Table, MeterValueRow.__table__)
    newest = execute(session, select(func.max(table.c.timestamp)).where(
        table.c.charge_box_id == charge_box_id, table.c.connector_id == connector_id)).scalar()
    if newest is None:
        return []
    return list(execute(session, select(table).where(
        table.c.charge_box_id == charge_box_id, table.c.connector_id == connector_id, table.c.timestamp == newest,
    ).order_by(table.c.id)))


class RelayProcessUnitOfWork(SqlAlchemyUnitOfWork):
    """The relay process's unit of work: everything a request's has, plus its own bookkeeping (``store``)."""

    store: SqlRelayStore

    def __enter__(self) -> RelayProcessUnitOfWork:
        super().__enter__()
        self.store = SqlRelayStore(self.session)
        return self

"""In-memory implementations of the domain's ports, for handler tests without a database.

:class:`FakeUnitOfWork` behaves like a database transaction: work inside ``with uow:`` happens on a copy of the
committed state, ``commit()`` makes that copy the committed state, and leaving without a commit discards it.
Repositories hand out copies of what they store, so a handler that changes an object and forgets to ``save()`` it
loses the change, as it would with the SQL repositories. Transaction ids come from a counter that, like a database
sequence, is not rolled back.
"""

from __future__ import annotations

import copy
import itertools
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field, replace
from datetime import datetime

from ocpp_soap.domain.events import Event
from ocpp_soap.domain.message_log import MessageLogEntry, StoredAnswer
from ocpp_soap.domain.model import (
    AuthorizationStatus,
    ConfigurationValue,
    ConnectorStatusChange,
    DataTransferRecord,
    IdTag,
    InstalledChargingProfile,
    LocalList,
    MeterValueBatch,
    Reservation,
    Station,
    StationBindingChange,
    Transaction,
    UnknownTransactionStop,
)
from ocpp_soap.domain.station_requests import CommandLogEntry
from ocpp_soap.json_values import to_jsonable
from ocpp_soap.operations import to_wire


@dataclass
class FakeData:
    """Everything the fake database holds."""

    stations: dict[str, Station] = field(default_factory=dict)
    id_tags: dict[str, IdTag] = field(default_factory=dict)
    transactions: dict[int, Transaction] = field(default_factory=dict)
    unknown_stops: list[UnknownTransactionStop] = field(default_factory=list)
    meter_batches: list[MeterValueBatch] = field(default_factory=list)
    connectors: dict[tuple[str, int], ConnectorStatusChange] = field(default_factory=dict)
    connector_history: list[ConnectorStatusChange] = field(default_factory=list)
    data_transfers: list[DataTransferRecord] = field(default_factory=list)
    binding_changes: list[StationBindingChange] = field(default_factory=list)
    command_log: list[StoredCommand] = field(default_factory=list)
    reservations: dict[int, Reservation] = field(default_factory=dict)
    local_lists: dict[str, LocalList] = field(default_factory=dict)
    configuration: dict[tuple[str, str], ConfigurationValue] = field(default_factory=dict)
    message_log: list[MessageLogEntry] = field(default_factory=list)
    charging_profiles: dict[tuple[str, int], InstalledChargingProfile] = field(default_factory=dict)


class FakeStationRepository:
    def __init__(self, data: FakeData) -> None:
        self._data = data

    def get(self, charge_box_id: str) -> Station | None:
        station = self._data.stations.get(charge_box_id)
        return copy.deepcopy(station)

    def note_seen(self, charge_box_id: str, now: datetime) -> Station | None:
        station = self._data.stations.get(charge_box_id)
        if station is None or not station.is_accepted:
            return None
        station.last_seen_at = now
        return copy.deepcopy(station)

    def add(self, station: Station) -> None:
        if station.charge_box_id in self._data.stations:
            raise KeyError(f"station {station.charge_box_id!r} already exists")
        self._data.stations[station.charge_box_id] = copy.deepcopy(station)

    def save(self, station: Station) -> None:
        self._data.stations[station.charge_box_id] = copy.deepcopy(station)

    def add_binding_change(self, change: StationBindingChange) -> None:
        self._data.binding_changes.append(change)

    @property
    def binding_changes(self) -> list[StationBindingChange]:
        return list(self._data.binding_changes)

    def __iter__(self) -> Iterator[Station]:
        return iter(copy.deepcopy(list(self._data.stations.values())))


class FakeIdTagRepository:
    def __init__(self, data: FakeData) -> None:
        self._data = data

    def get(self, id_tag: str) -> IdTag | None:
        return self._data.id_tags.get(id_tag)

    def add(self, tag: IdTag) -> None:
        self._data.id_tags[tag.id_tag] = tag


class FakeTransactionRepository:
    def __init__(self, data: FakeData, ids: Iterator[int]) -> None:
        self._data = data
        self._ids = ids

    def add(self, transaction: Transaction) -> int:
        transaction_id = next(self._ids)
        transaction.transaction_id = transaction_id
        self._data.transactions[transaction_id] = copy.deepcopy(transaction)
        return transaction_id

    def get(self, transaction_id: int) -> Transaction | None:
        return copy.deepcopy(self._data.transactions.get(transaction_id))

    def save(self, transaction: Transaction) -> None:
        assert transaction.transaction_id in self._data.transactions, "save() is for transactions that were added"
        self._data.transactions[transaction.transaction_id] = copy.deepcopy(transaction)

    def has_open_for_tag(self, id_tag: str) -> bool:
        # As the SQL repository: only a session that was started Accepted counts as charging.
        return any(
            t.id_tag == id_tag and t.is_open and t.start_status is AuthorizationStatus.ACCEPTED
            for t in self._data.transactions.values()
        )

    def open_on_connector(self, charge_box_id: str, connector_id: int) -> list[Transaction]:
        return [
            copy.deepcopy(t)
            for t in self._data.transactions.values()
            if t.charge_box_id == charge_box_id and t.connector_id == connector_id and t.is_open
        ]

    def add_unknown_stop(self, stop: UnknownTransactionStop) -> None:
        self._data.unknown_stops.append(stop)

    @property
    def unknown_stops(self) -> list[UnknownTransactionStop]:
        return list(self._data.unknown_stops)

    def __iter__(self) -> Iterator[Transaction]:
        return iter(copy.deepcopy(list(self._data.transactions.values())))


class FakeMeterValueRepository:
    def __init__(self, data: FakeData) -> None:
        self._data = data

    def add(self, batch: MeterValueBatch) -> int:
        self._data.meter_batches.append(batch)
        return sum(len(reading.values) for reading in batch.readings)

    @property
    def batches(self) -> list[MeterValueBatch]:
        return list(self._data.meter_batches)


class FakeConnectorRepository:
    def __init__(self, data: FakeData) -> None:
        self._data = data

    def record_status(self, change: ConnectorStatusChange) -> None:
        self._data.connector_history.append(change)
        self._data.connectors[(change.charge_box_id, change.connector_id)] = change

    def current(self, charge_box_id: str, connector_id: int) -> ConnectorStatusChange | None:
        return self._data.connectors.get((charge_box_id, connector_id))

    @property
    def history(self) -> list[ConnectorStatusChange]:
        return list(self._data.connector_history)


class FakeDataTransferRepository:
    def __init__(self, data: FakeData) -> None:
        self._data = data

    def add(self, record: DataTransferRecord) -> None:
        self._data.data_transfers.append(record)

    @property
    def records(self) -> list[DataTransferRecord]:
        return list(self._data.data_transfers)


@dataclass(frozen=True)
class StoredCommand:
    """A command log entry as storage keeps it: the request and the answer as JSON under their OCPP names."""

    charge_box_id: str
    operation: str
    parameters: dict[str, object]
    outcome: str
    answer: dict[str, object]
    error: str | None
    duration_ms: float


class FakeCommandLogRepository:
    def __init__(self, data: FakeData) -> None:
        self._data = data

    def add(self, entry: CommandLogEntry) -> int:
        self._data.command_log.append(
            StoredCommand(
                entry.charge_box_id, entry.operation, to_jsonable(to_wire(entry.request)), entry.outcome.value,
                to_jsonable(to_wire(entry.answer)) if entry.answer is not None else {}, entry.error, entry.duration_ms,
            )
        )
        return len(self._data.command_log)

    @property
    def entries(self) -> list[StoredCommand]:
        return list(self._data.command_log)


class FakeReservationRepository:
    def __init__(self, data: FakeData, ids: Iterator[int]) -> None:
        self._data = data
        self._ids = ids

    def add(self, reservation: Reservation) -> int:
        reservation.reservation_id = next(self._ids)
        self._data.reservations[reservation.reservation_id] = copy.deepcopy(reservation)
        return reservation.reservation_id

    def get(self, reservation_id: int) -> Reservation | None:
        return copy.deepcopy(self._data.reservations.get(reservation_id))

    def save(self, reservation: Reservation) -> None:
        assert reservation.reservation_id in self._data.reservations
        self._data.reservations[reservation.reservation_id] = copy.deepcopy(reservation)


class FakeLocalListRepository:
    def __init__(self, data: FakeData) -> None:
        self._data = data

    def get(self, charge_box_id: str) -> LocalList | None:
        return copy.deepcopy(self._data.local_lists.get(charge_box_id))

    def save(self, local_list: LocalList) -> None:
        self._data.local_lists[local_list.charge_box_id] = copy.deepcopy(local_list)


class FakeConfigurationRepository:
    def __init__(self, data: FakeData) -> None:
        self._data = data

    def get_all(self, charge_box_id: str) -> list[ConfigurationValue]:
        return sorted((v for (cb, _), v in self._data.configuration.items() if cb == charge_box_id), key=lambda v: v.key)

    def put(self, charge_box_id: str, value: ConfigurationValue) -> None:
        old = self._data.configuration.get((charge_box_id, value.key))
        if value.readonly is None and old is not None:
            value = replace(value, readonly=old.readonly)
        self._data.configuration[(charge_box_id, value.key)] = value


class FakeMessageLogRepository:
    def __init__(self, data: FakeData) -> None:
        self._data = data

    def add(self, entry: MessageLogEntry) -> None:
        if entry.dedupe_key is not None and any(e.dedupe_key == entry.dedupe_key for e in self._data.message_log):
            raise KeyError(f"dedupe key {entry.dedupe_key} already stored")
        self._data.message_log.append(entry)

    def answer_for(self, dedupe_key: str) -> StoredAnswer | None:
        for entry in self._data.message_log:
            if entry.dedupe_key == dedupe_key and entry.response is not None:
                return StoredAnswer(entry.at, entry.response, entry.http_status or 200)
        return None

    def forget_key(self, dedupe_key: str) -> None:
        self._data.message_log = [
            replace(e, dedupe_key=None) if e.dedupe_key == dedupe_key else e for e in self._data.message_log
        ]

    def prune(self, before: datetime, limit: int) -> int:
        old = [e for e in self._data.message_log if e.at < before][:limit]
        self._data.message_log = [e for e in self._data.message_log if e not in old]
        return len(old)


class FakeChargingProfileRepository:
    def __init__(self, data: FakeData) -> None:
        self._data = data

    def for_station(self, charge_box_id: str) -> list[InstalledChargingProfile]:
        found = [p for (cb, _), p in self._data.charging_profiles.items() if cb == charge_box_id]
        return sorted(found, key=lambda p: (p.connector_id, p.charging_profile_id))

    def add(self, installed: InstalledChargingProfile) -> None:
        self._data.charging_profiles[(installed.charge_box_id, installed.charging_profile_id)] = installed

    def remove(self, charge_box_id: str, charging_profile_ids: Collection[int]) -> None:
        for profile_id in charging_profile_ids:
            self._data.charging_profiles.pop((charge_box_id, profile_id), None)


class FakeUnitOfWork:
    """One fake database and its transactions; ``uow_factory = lambda: uow`` hands the bus the same one each time.

    Outside ``with`` the repositories show the committed state, so tests can seed and inspect through them.
    ``committed`` says whether the last transaction committed; ``commits`` counts commits overall.
    """

    def __init__(self) -> None:
        self._committed_data = FakeData()
        self._ids = itertools.count(1)
        self._reservation_ids = itertools.count(1)
        self.events: list[Event] = []
        self.committed = False
        self.commits = 0
        self.rollbacks = 0
        self.in_transaction = False
        self._bind(self._committed_data)

    def _bind(self, data: FakeData) -> None:
        self._data = data
        self.stations = FakeStationRepository(data)
        self.id_tags = FakeIdTagRepository(data)
        self.transactions = FakeTransactionRepository(data, self._ids)
        self.meter_values = FakeMeterValueRepository(data)
        self.connectors = FakeConnectorRepository(data)
        self.data_transfers = FakeDataTransferRepository(data)
        self.command_log = FakeCommandLogRepository(data)
        self.reservations = FakeReservationRepository(data, self._reservation_ids)
        self.local_lists = FakeLocalListRepository(data)
        self.configuration = FakeConfigurationRepository(data)
        self.message_log = FakeMessageLogRepository(data)
        self.charging_profiles = FakeChargingProfileRepository(data)

    def __enter__(self) -> FakeUnitOfWork:
        assert not self.in_transaction, "FakeUnitOfWork entered twice"
        self.in_transaction = True
        self.committed = False
        self.events = []
        self._bind(copy.deepcopy(self._committed_data))
        return self

    def __exit__(self, *exc: object) -> None:
        self.rollback()
        self.in_transaction = False
        self._bind(self._committed_data)

    def commit(self) -> None:
        assert self.in_transaction, "commit() outside a transaction"
        self._committed_data = copy.deepcopy(self._data)
        self.committed = True
        self.commits += 1

    def rollback(self) -> None:
        # Discard whatever was done since the last commit.
        self.rollbacks += 1
        if self.in_transaction:
            self._bind(copy.deepcopy(self._committed_data))

    # Seeding helpers: write straight into the committed state, as a fixture would.

    def seed_station(self, station: Station) -> Station:
        self._committed_data.stations[station.charge_box_id] = copy.deepcopy(station)
        return station

    def seed_tag(self, tag: IdTag) -> IdTag:
        self._committed_data.id_tags[tag.id_tag] = tag
        return tag

    def seed_transaction(self, transaction: Transaction) -> Transaction:
        transaction = replace(transaction, transaction_id=next(self._ids))
        assert transaction.transaction_id is not None
        self._committed_data.transactions[transaction.transaction_id] = copy.deepcopy(transaction)
        return transaction

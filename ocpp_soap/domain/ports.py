"""What the domain needs from storage, stated as protocols; ``persistence`` implements them, tests fake them."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any
from typing import Protocol as TypingProtocol

from .events import Event
from .message_log import LoggedExchange, StoredAnswer
from .model import (
    ConnectorStatusChange,
    DataTransferRecord,
    IdTag,
    MeterValueBatch,
    Station,
    StationBindingChange,
    Transaction,
    UnknownTransactionStop,
)
from .station_requests import (
    CommandLogEntry,
    ConfigurationValue,
    LocalList,
    Reservation,
    StationCall,
    StationCallResult,
    StationRequest,
)


class StationRepository(TypingProtocol):
    def get(self, charge_box_id: str) -> Station | None: ...
    def note_seen(self, charge_box_id: str, now: datetime) -> Station | None:
        """For an accepted station: set its last-seen time and return it; None (nothing written) for any other."""
        ...
    def add(self, station: Station) -> None: ...
    def save(self, station: Station) -> None: ...
    def delete(self, charge_box_id: str) -> None: ...
    def add_binding_change(self, change: StationBindingChange) -> None: ...


class IdTagRepository(TypingProtocol):
    def get(self, id_tag: str) -> IdTag | None: ...
    def add(self, tag: IdTag) -> None: ...
    def save(self, tag: IdTag) -> None: ...
    def delete(self, id_tag: str) -> None: ...


class TransactionRepository(TypingProtocol):
    def add(self, transaction: Transaction) -> int: ...
    def get(self, transaction_id: int) -> Transaction | None: ...
    def save(self, transaction: Transaction) -> None: ...
    def has_open_for_tag(self, id_tag: str) -> bool: ...
    def open_on_connector(self, charge_box_id: str, connector_id: int) -> list[Transaction]: ...
    def add_unknown_stop(self, stop: UnknownTransactionStop) -> None: ...


class MeterValueRepository(TypingProtocol):
    def add(self, batch: MeterValueBatch) -> int: ...


class ConnectorRepository(TypingProtocol):
    def record_status(self, change: ConnectorStatusChange) -> None: ...


class DataTransferRepository(TypingProtocol):
    def add(self, record: DataTransferRecord) -> None: ...


class CommandLogRepository(TypingProtocol):
    def add(self, entry: CommandLogEntry) -> int: ...


class ReservationRepository(TypingProtocol):
    def add(self, reservation: Reservation) -> int: ...
    def get(self, reservation_id: int) -> Reservation | None: ...
    def save(self, reservation: Reservation) -> None: ...


class LocalListRepository(TypingProtocol):
    def get(self, charge_box_id: str) -> LocalList | None: ...
    def save(self, local_list: LocalList) -> None: ...


class ConfigurationRepository(TypingProtocol):
    def get_all(self, charge_box_id: str) -> list[ConfigurationValue]: ...
    def put(self, charge_box_id: str, value: ConfigurationValue) -> None: ...


class ChargePointClient(TypingProtocol):
    """The add-on side of operator commands: turns a command into its OCPP call and calls the station."""

    operations: frozenset[str]

    def build(self, command: StationRequest, added: Mapping[str, Any]) -> StationCall: ...
    def call(self, address: str, charge_box_id: str, call: StationCall) -> StationCallResult: ...


class MessageLogRepository(TypingProtocol):
    def add(self, entry: LoggedExchange) -> None: ...
    def answer_for(self, dedupe_key: str) -> StoredAnswer | None: ...
    def forget_key(self, dedupe_key: str) -> None: ...
    def prune(self, before: datetime, limit: int) -> int: ...


class UnitOfWork(TypingProtocol):
    """One database transaction: enter, work through the repositories, commit (or leave and roll back)."""

    stations: StationRepository
    id_tags: IdTagRepository
    transactions: TransactionRepository
    meter_values: MeterValueRepository
    connectors: ConnectorRepository
    data_transfers: DataTransferRepository
    command_log: CommandLogRepository
    reservations: ReservationRepository
    local_lists: LocalListRepository
    configuration: ConfigurationRepository
    message_log: MessageLogRepository
    events: list[Event]

    def __enter__(self) -> UnitOfWork: ...
    def __exit__(self, *exc: object) -> None: ...
    def commit(self) -> None: ...
    def rollback(self) -> None: ...


Clock = Callable[[], datetime]

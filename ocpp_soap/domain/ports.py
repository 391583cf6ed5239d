"""What the domain needs from storage, stated as protocols; ``persistence`` implements them, tests fake them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Protocol as TypingProtocol

from .events import Event
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


class StationRepository(TypingProtocol):
    def get(self, charge_box_id: str) -> Station | None: ...
    def add(self, station: Station) -> None: ...
    def save(self, station: Station) -> None: ...
    def add_binding_change(self, change: StationBindingChange) -> None: ...


class IdTagRepository(TypingProtocol):
    def get(self, id_tag: str) -> IdTag | None: ...
    def add(self, tag: IdTag) -> None: ...


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


class UnitOfWork(TypingProtocol):
    """One database transaction: enter, work through the repositories, commit (or leave and roll back)."""

    stations: StationRepository
    id_tags: IdTagRepository
    transactions: TransactionRepository
    meter_values: MeterValueRepository
    connectors: ConnectorRepository
    data_transfers: DataTransferRepository
    events: list[Event]

    def __enter__(self) -> UnitOfWork: ...
    def __exit__(self, *exc: object) -> None: ...
    def commit(self) -> None: ...
    def rollback(self) -> None: ...


Clock = Callable[[], datetime]

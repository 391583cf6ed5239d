"""Wiring: build the engine, the unit-of-work factory and the bus with its handlers and dependencies, once."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Engine

from .bus import MessageBus
from .config import Settings
from .domain.model import Protocol
from .domain.ports import ChargePointClient, Clock, UnitOfWork
from .handlers import COMMAND_HANDLERS
from .handlers.data_transfer import DataTransferRegistry
from .handlers.event_logging import EVENT_HANDLERS
from .persistence.database import create_database_engine, create_schema, create_session_factory
from .persistence.unit_of_work import SqlAlchemyUnitOfWork


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Gateway:
    """Everything a front end (SOAP, web app, CLI) needs: the bus and what it was built from."""

    settings: Settings
    engine: Engine
    bus: MessageBus
    uow_factory: Callable[[], UnitOfWork]
    data_transfer_registry: DataTransferRegistry


def bootstrap(
    settings: Settings,
    *,
    engine: Engine | None = None,
    clock: Clock = utc_now,
    create_tables: bool = True,
    charge_point_clients: Mapping[Protocol, ChargePointClient] | None = None,
) -> Gateway:
    engine = engine or create_database_engine(settings.database_url)
    if create_tables:
        create_schema(engine)
    session_factory = create_session_factory(engine)

    def uow_factory() -> UnitOfWork:
        return SqlAlchemyUnitOfWork(session_factory)

    registry = DataTransferRegistry()
    from .soap.charge_point_clients import ChargePointClients

    clients = charge_point_clients or ChargePointClients(
        public_url=settings.public_url, timeout=settings.command_timeout
    )
    bus = MessageBus(
        uow_factory,
        COMMAND_HANDLERS,
        EVENT_HANDLERS,
        dependencies={
            "clock": clock,
            "settings": settings,
            "data_transfer_registry": registry,
            "charge_point_clients": clients,
        },
    )
    return Gateway(settings, engine, bus, uow_factory, registry)

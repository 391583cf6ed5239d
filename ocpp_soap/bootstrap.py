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
from .domain.station_requests import STATION_REQUESTS
from .handlers import COMMAND_HANDLERS
from .handlers.data_transfer import DataTransferRegistry
from .handlers.event_logging import EVENT_HANDLERS
from .handlers.reachability import Reachability
from .persistence import schema
from .persistence.database import create_database_engine, create_session_factory
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
    clock: Clock = utc_now


def ensure_schema(engine: Engine) -> schema.SchemaStatus:
    """Refuse a schema that is behind; create it in an empty SQLite database (the zero-configuration default).

    PostgreSQL is never migrated implicitly: several nodes and workers start at once, and an operator decides
    when the schema changes (``ocpp-soap db upgrade``)."""
    return schema.check(engine, auto_upgrade_empty=engine.dialect.name == "sqlite")


def bootstrap(
    settings: Settings,
    *,
    engine: Engine | None = None,
    clock: Clock = utc_now,
    create_tables: bool = True,
    charge_point_clients: Mapping[Protocol, ChargePointClient] | None = None,
) -> Gateway:
    """Build the gateway. With ``create_tables`` (the default) the schema is checked first: an empty embedded
    SQLite database is migrated on the spot, anything else that is not at the newest revision raises
    ``SchemaNotCurrent`` naming ``ocpp-soap db upgrade``. ``create_tables=False`` skips the check."""
    engine = engine or create_database_engine(settings.database_url)
    if create_tables:
        ensure_schema(engine)
    session_factory = create_session_factory(engine)

    def uow_factory() -> UnitOfWork:
        return SqlAlchemyUnitOfWork(session_factory)

    registry = DataTransferRegistry()
    from .soap.charge_point_clients import ChargePointClients

    clients = charge_point_clients or ChargePointClients(
        public_url=settings.public_url, timeout=settings.command_timeout
    )
    # Commands toward stations are counted for /metrics by a wrapper, so that handlers stay free of Prometheus.
    # Imported here, not at the top: prometheus_client picks its multiprocess mode when first imported, and
    # `ocpp-soap serve` imports this module in the gunicorn master before it sets PROMETHEUS_MULTIPROC_DIR.
    from . import metrics

    command_handlers = {
        command: metrics.metered_command(handler) if command in STATION_REQUESTS else handler
        for command, handler in COMMAND_HANDLERS.items()
    }
    bus = MessageBus(
        uow_factory,
        command_handlers,
        EVENT_HANDLERS,
        dependencies={
            "clock": clock,
            "settings": settings,
            "data_transfer_registry": registry,
            "charge_point_clients": clients,
            "reachability": Reachability(),
        },
    )
    return Gateway(settings, engine, bus, uow_factory, registry, clock)

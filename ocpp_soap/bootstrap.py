"""Wiring: build the engine, the unit-of-work factory and the bus with its handlers and dependencies, once.

Handlers get what they need from here by parameter name (``clock``, ``auto_accept``, ``station_client`` ...);
none of them reads the configuration itself. Tests pass their own unit-of-work factory (a fake, or a database of
their own) and station client instead of the real ones.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Engine

from .bus import MessageBus
from .config import Settings
from .domain.ports import Clock, StationClient, UnitOfWork
from .handlers import COMMAND_HANDLERS, OWN_TRANSACTION_HANDLERS
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
    """Everything a front end (SOAP, web app, CLI) needs: the bus and what it was built from.

    ``engine`` is None when the gateway was built on a unit-of-work factory of the caller's (a test's fake)."""

    settings: Settings
    engine: Engine | None
    bus: MessageBus
    uow_factory: Callable[[], UnitOfWork]
    data_transfer_registry: DataTransferRegistry
    clock: Clock = utc_now

    @property
    def database(self) -> Engine:
        """The engine, for the read model and the web app; only a gateway built on a database has one."""
        if self.engine is None:
            raise RuntimeError("this gateway was built on a unit of work of its caller's, without a database")
        return self.engine

    def close(self) -> None:
        if self.engine is not None:
            self.engine.dispose()


def ensure_schema(engine: Engine) -> schema.SchemaStatus:
    """Refuse a schema that is behind; create it in an empty SQLite database (the zero-configuration default).

    PostgreSQL is never migrated implicitly: several nodes and workers start at once, and an operator decides
    when the schema changes (``ocpp-soap db upgrade``)."""
    return schema.check(engine, auto_upgrade_empty=engine.dialect.name == "sqlite")


def bootstrap(
    settings: Settings,
    *,
    engine: Engine | None = None,
    uow_factory: Callable[[], UnitOfWork] | None = None,
    clock: Clock = utc_now,
    create_tables: bool = True,
    station_client: StationClient | None = None,
) -> Gateway:
    """Build the gateway. With ``create_tables`` (the default) the schema is checked first: an empty embedded
    SQLite database is migrated on the spot, anything else that is not at the newest revision raises
    ``SchemaNotCurrent`` naming ``ocpp-soap db upgrade``. ``create_tables=False`` skips the check.

    Given ``uow_factory``, no database is opened at all: the bus works on the caller's units of work."""
    if uow_factory is None:
        engine = engine or create_database_engine(settings.database_url)
        if create_tables:
            ensure_schema(engine)
        session_factory = create_session_factory(engine)

        def uow_factory() -> UnitOfWork:
            return SqlAlchemyUnitOfWork(session_factory)

    if station_client is None:
        from .soap.outbound.client import SoapStationClient

        station_client = SoapStationClient(public_url=settings.public_url, timeout=settings.command_timeout)
    # Relay mode: a session the back office numbered is named to the station by the id the station was given.
    from .relay.ids import StationIdClient

    station_client = StationIdClient(station_client, uow_factory)
    # Requests to stations are counted for /metrics by a wrapper, so that handlers stay free of Prometheus.
    # Imported here, not at the top: prometheus_client picks its multiprocess mode when first imported, and
    # `ocpp-soap serve` imports this module in the gunicorn master before it sets PROMETHEUS_MULTIPROC_DIR.
    from . import metrics

    registry = DataTransferRegistry()
    bus = MessageBus(
        uow_factory,
        COMMAND_HANDLERS,
        {command: metrics.metered_command(handler) for command, handler in OWN_TRANSACTION_HANDLERS.items()},
        EVENT_HANDLERS,
        dependencies={
            "clock": clock,
            "auto_accept": settings.auto_accept,
            "heartbeat_interval": settings.heartbeat_interval,
            "default_relay_url": settings.relay.url,
            "data_transfer_registry": registry,
            "station_client": station_client,
            "reachability": Reachability(),
        },
    )
    return Gateway(settings, engine, bus, uow_factory, registry, clock)

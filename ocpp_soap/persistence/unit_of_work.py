"""The SQLAlchemy unit of work: one session, one database transaction, the repositories bound to it."""

from __future__ import annotations

from types import TracebackType

from sqlalchemy.exc import DBAPIError, IntegrityError, InterfaceError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from ..domain.errors import ConcurrencyConflict, ConnectionLost, StorageUnavailable
from ..domain.events import Event
from .database import first_line
from .repositories import (
    SqlAccountRepository,
    SqlChargingProfileRepository,
    SqlCommandLogRepository,
    SqlConfigurationRepository,
    SqlConnectorRepository,
    SqlDataTransferRepository,
    SqlIdTagRepository,
    SqlLocalListRepository,
    SqlMessageLogRepository,
    SqlMeterValueRepository,
    SqlOperatorActionRepository,
    SqlRelayRepository,
    SqlReservationRepository,
    SqlStationRepository,
    SqlTransactionRepository,
)


class SqlAlchemyUnitOfWork:
    stations: SqlStationRepository
    id_tags: SqlIdTagRepository
    transactions: SqlTransactionRepository
    meter_values: SqlMeterValueRepository
    connectors: SqlConnectorRepository
    data_transfers: SqlDataTransferRepository
    command_log: SqlCommandLogRepository
    reservations: SqlReservationRepository
    local_lists: SqlLocalListRepository
    configuration: SqlConfigurationRepository
    message_log: SqlMessageLogRepository
    accounts: SqlAccountRepository
    operator_actions: SqlOperatorActionRepository
    charging_profiles: SqlChargingProfileRepository
    relay: SqlRelayRepository  # the relay's queue and id mappings (ocpp_soap.relay), written in the same transaction

    def __init__(self, session_factory: sessionmaker[Session]) -> None:
        self._session_factory = session_factory
        self.events: list[Event] = []

    def __enter__(self) -> SqlAlchemyUnitOfWork:
        self.session = self._session_factory()
        self.events = []
        self._committing = False
        self.stations = SqlStationRepository(self.session)
        self.id_tags = SqlIdTagRepository(self.session)
        self.transactions = SqlTransactionRepository(self.session)
        self.meter_values = SqlMeterValueRepository(self.session)
        self.connectors = SqlConnectorRepository(self.session)
        self.data_transfers = SqlDataTransferRepository(self.session)
        self.command_log = SqlCommandLogRepository(self.session)
        self.reservations = SqlReservationRepository(self.session)
        self.local_lists = SqlLocalListRepository(self.session)
        self.configuration = SqlConfigurationRepository(self.session)
        self.message_log = SqlMessageLogRepository(self.session)
        self.accounts = SqlAccountRepository(self.session)
        self.operator_actions = SqlOperatorActionRepository(self.session)
        self.charging_profiles = SqlChargingProfileRepository(self.session)
        self.relay = SqlRelayRepository(self.session)
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        # After a commit this rolls back nothing; after an error it discards every half-done change.
        try:
            self.session.rollback()
        except DBAPIError:
            if exc is None:
                raise
            # The connection broke with the error being handled: that error is the one worth reporting.
        finally:
            self.session.close()
        if isinstance(exc, IntegrityError | OperationalError) and _is_conflict(exc):
            raise ConcurrencyConflict(str(exc.orig)) from exc
        if isinstance(exc, DBAPIError) and exc.connection_invalidated and not self._committing:
            # Connections are not pinged before use (a round trip per request): one the server dropped is found
            # here, with nothing of this transaction kept by the server, so the caller may simply run it again.
            raise ConnectionLost(first_line(exc.orig or exc)) from exc
        if isinstance(exc, DBAPIError) and _is_outage(exc):
            raise StorageUnavailable(first_line(exc.orig or exc)) from exc

    def commit(self) -> None:
        # A connection lost during COMMIT leaves the outcome unknown: that is an outage, never simply retried.
        self._committing = True
        self.session.commit()

    def rollback(self) -> None:
        self.session.rollback()


def _is_outage(exc: DBAPIError) -> bool:
    """The database cannot be reached or cannot write (down, restarting, disk full), as opposed to a statement
    that is wrong (a programming error, which stays what it is)."""
    if exc.connection_invalidated or isinstance(exc, InterfaceError):
        return True
    if isinstance(exc, OperationalError):
        text = str(exc.orig).lower()
        return not any(marker in text for marker in ("no such table", "no such column", "syntax error"))
    return False


def _is_conflict(exc: IntegrityError | OperationalError) -> bool:
    """A unique-key race, a deadlock or a serialisation failure: retrying may succeed."""
    if isinstance(exc, IntegrityError):
        return "unique" in str(exc.orig).lower() or "duplicate" in str(exc.orig).lower()
    code = getattr(exc.orig, "sqlstate", None) or getattr(exc.orig, "pgcode", None)
    # SQLite's "database is locked" is not among them: it comes after the busy timeout (30 s) has already been
    # waited out, and three more waits would outlast the worker timeout. It is an outage: a Receiver fault now.
    return code in {"40001", "40P01"}

"""The SQLAlchemy unit of work: one session, one database transaction, the repositories bound to it."""

from __future__ import annotations

from sqlalchemy.orm import Session, sessionmaker

from ..domain.events import Event
from .repositories import (
    SqlConnectorRepository,
    SqlDataTransferRepository,
    SqlIdTagRepository,
    SqlMeterValueRepository,
    SqlStationRepository,
    SqlTransactionRepository,
)


class SqlAlchemyUnitOfWork:
    def __init__(self, session_factory: sessionmaker[Session]) -> None:
        self._session_factory = session_factory
        self.events: list[Event] = []

    def __enter__(self) -> SqlAlchemyUnitOfWork:
        self.session = self._session_factory()
        self.events = []
        self.stations = SqlStationRepository(self.session)
        self.id_tags = SqlIdTagRepository(self.session)
        self.transactions = SqlTransactionRepository(self.session)
        self.meter_values = SqlMeterValueRepository(self.session)
        self.connectors = SqlConnectorRepository(self.session)
        self.data_transfers = SqlDataTransferRepository(self.session)
        return self

    def __exit__(self, *exc: object) -> None:
        # After a commit this rolls back nothing; after an error it discards every half-done change.
        try:
            self.session.rollback()
        finally:
            self.session.close()

    def commit(self) -> None:
        self.session.commit()

    def rollback(self) -> None:
        self.session.rollback()

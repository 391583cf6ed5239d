"""How the unit of work classifies storage errors: a conflict is retried, an outage becomes StorageUnavailable,
a wrong statement stays a programming error."""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy.exc import IntegrityError, OperationalError, ProgrammingError

from ocpp_soap.domain.errors import ConcurrencyConflict, ConnectionLost, StorageUnavailable
from ocpp_soap.persistence.unit_of_work import SqlAlchemyUnitOfWork


class _Session:
    def rollback(self) -> None: ...
    def close(self) -> None: ...


def leave_with(exc: Exception, *, committing: bool = False) -> None:
    uow = SqlAlchemyUnitOfWork.__new__(SqlAlchemyUnitOfWork)
    uow.session = _Session()  # type: ignore[assignment]
    uow._committing = committing
    uow.__exit__(type(exc), exc, None)


def test_a_unique_race_is_a_conflict() -> None:
    with pytest.raises(ConcurrencyConflict):
        leave_with(IntegrityError("INSERT", {}, sqlite3.IntegrityError("UNIQUE constraint failed: stations.id")))


@pytest.mark.parametrize("message", ["database is locked", "unable to open database file", "disk I/O error"])
def test_sqlite_that_cannot_write_is_an_outage_not_a_conflict(message: str) -> None:
    """'database is locked' comes after the 30 s busy timeout: retrying would wait three times as long."""
    with pytest.raises(StorageUnavailable):
        leave_with(OperationalError("BEGIN IMMEDIATE", {}, sqlite3.OperationalError(message)))


def test_a_wrong_statement_stays_what_it_is() -> None:
    """Not converted: ``__exit__`` returns and the ``with`` statement raises the original error."""
    leave_with(OperationalError("SELECT", {}, sqlite3.OperationalError("no such table: connectors")))
    leave_with(ProgrammingError("SELECT", {}, Exception("syntax error")))


def _dropped() -> OperationalError:
    return OperationalError("UPDATE", {}, Exception("server closed the connection unexpectedly"), connection_invalidated=True)


def test_a_connection_dropped_before_commit_may_be_run_again() -> None:
    with pytest.raises(ConnectionLost):
        leave_with(_dropped())


def test_a_connection_dropped_during_commit_is_an_outage_not_a_rerun() -> None:
    """The COMMIT may have been applied: running the request again could store it twice."""
    with pytest.raises(StorageUnavailable) as raised:
        leave_with(_dropped(), committing=True)
    assert not isinstance(raised.value, ConnectionLost)

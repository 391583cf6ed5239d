"""Engine and session factory for the configured database URL.

Backend differences are confined to this module. PostgreSQL goes through psycopg 3: a plain ``postgresql://``
(or ``postgres://``) URL is read as ``postgresql+psycopg://``. On SQLite (the embedded default) several gunicorn workers
share one file, so every transaction starts with ``BEGIN IMMEDIATE``: writers queue on the lock (up to the busy
timeout) instead of failing half-way when a read lock cannot be upgraded.

While PostgreSQL is away nothing waits without bound: a connection attempt gives up after
``PG_CONNECT_TIMEOUT_S`` (a host that vanished from the network never answers a SYN), a request waits at most
``POOL_TIMEOUT_S`` for a pooled connection, TCP keepalives and ``tcp_user_timeout`` notice a peer that went silent,
and connections the server dropped (a restart) are replaced, so service resumes by itself. After a
failed connect, a process does not try again for ``RETRY_CONNECT_AFTER_S``: meanwhile requests fail at once instead
of each holding a worker for the connect timeout, and the outage is logged once, not per request.

Connections are not pinged at every checkout (``pool_pre_ping`` costs a round trip per request, an eighth of a
Heartbeat's CPU): only one that sat unused in the pool for ``PING_IDLE_AFTER_S`` is. A connection the server
dropped while in use is found by the statement that uses it: SQLAlchemy then replaces every connection of the pool
opened before, and the unit of work reports ``ConnectionLost`` so that the request is simply run again.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import DisconnectionError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

logger = logging.getLogger(__name__)

SQLITE_BUSY_TIMEOUT_S = 30
PG_CONNECT_TIMEOUT_S = 5
POOL_TIMEOUT_S = 10
RETRY_CONNECT_AFTER_S = 5.0
PING_IDLE_AFTER_S = 5.0
# libpq connection parameters the URL may override: bounded connects, and dead peers noticed in about a minute.
PG_CONNECT_DEFAULTS: dict[str, Any] = {
    "connect_timeout": PG_CONNECT_TIMEOUT_S,
    "keepalives": 1,
    "keepalives_idle": 30,
    "keepalives_interval": 10,
    "keepalives_count": 3,
    "tcp_user_timeout": 30_000,  # milliseconds: data unacknowledged this long breaks the connection
}


def normalise_url(url: str | URL) -> URL:
    """The URL with its driver made explicit: PostgreSQL always through psycopg 3."""
    parsed = make_url(url)
    if parsed.drivername in {"postgresql", "postgres"}:
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def create_database_engine(url: str | URL) -> Engine:
    parsed = normalise_url(url)
    if parsed.get_backend_name() == "sqlite":
        engine = create_engine(
            parsed,
            connect_args={"timeout": SQLITE_BUSY_TIMEOUT_S, "check_same_thread": False},
        )
        _configure_sqlite(engine, in_memory=parsed.database in (None, "", ":memory:"))
        return engine
    connect_args = {key: value for key, value in PG_CONNECT_DEFAULTS.items() if key not in parsed.query}
    engine = create_engine(
        parsed, pool_size=5, max_overflow=10, pool_timeout=POOL_TIMEOUT_S, connect_args=connect_args,
    )
    event.listen(engine, "do_connect", ConnectBreaker(RETRY_CONNECT_AFTER_S).connect)
    _ping_idle_connections(engine, PING_IDLE_AFTER_S)
    # Several rows (the values of one MeterValues) go as one INSERT ... VALUES (...), (...) rather than psycopg's
    # executemany, whose pipeline exchange cost more worker CPU than the rows for the usual 2-10 values.
    engine.dialect.use_insertmanyvalues_wo_returning = True
    return engine


def _ping_idle_connections(engine: Engine, idle_after: float) -> None:
    """Ping a connection at checkout only when it sat in the pool longer than ``idle_after`` seconds; a dead one is
    replaced there and then (the pool's own retry on ``DisconnectionError``)."""

    @event.listens_for(engine, "checkin")
    def _checked_in(_dbapi_connection: Any, record: Any) -> None:
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _checked_out(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        idle_since = record.info.get("idle_since")
        if idle_since is None or time.monotonic() - idle_since < idle_after:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error as exc:
            raise DisconnectionError(f"pooled connection found dead: {exc}") from exc


class ConnectBreaker:
    """Connects for one engine: after one fails, the next ones fail at once until ``retry_after`` seconds passed.

    The outage is logged once when it begins and once when a connect succeeds again; every request in between
    gets the connect error straight away (the SOAP edge answers it with a Receiver fault).
    """

    def __init__(self, retry_after: float) -> None:
        self.retry_after = retry_after
        self._failed_at: float | None = None
        self._reason = ""
        self._lock = threading.Lock()

    def connect(self, dialect: Any, _record: Any, cargs: Any, cparams: Any) -> Any:
        with self._lock:
            failed_at, reason = self._failed_at, self._reason
        if failed_at is not None and time.monotonic() - failed_at < self.retry_after:
            raise dialect.loaded_dbapi.OperationalError(
                f"not connecting again yet: a connect failed {time.monotonic() - failed_at:.1f} s ago ({reason})"
            )
        try:
            connection = dialect.connect(*cargs, **cparams)
        except dialect.loaded_dbapi.Error as exc:
            reason = first_line(exc)
            with self._lock:
                began = self._failed_at is None
                self._failed_at, self._reason = time.monotonic(), reason
            if began:
                logger.warning("database unavailable: %s; retrying every %g s", reason, self.retry_after)
            raise
        with self._lock:
            was_down, self._failed_at = self._failed_at is not None, None
        if was_down:
            logger.warning("database available again")
        return connection


def first_line(error: BaseException) -> str:
    """A driver error's first line (libpq adds DETAIL and HINT lines), for one-line log messages and faults."""
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


def _configure_sqlite(engine: Engine, *, in_memory: bool) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event issue BEGIN itself instead of pysqlite's implicit, deferred one.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        if not in_memory:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_S * 1000}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def create_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False)


def database_answers(engine: Engine) -> bool:
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        return True
    except (SQLAlchemyError, OSError):
        return False


def create_schema(engine: Engine) -> None:
    """Bring the database to the newest schema by running the migrations (see ``schema.upgrade``)."""
    from .schema import upgrade

    upgrade(engine)

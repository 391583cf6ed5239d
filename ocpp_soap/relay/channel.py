"""The channel between the gunicorn workers and the relay processes, one implementation per database.

Both carry two kinds of message, as JSON: an *ask* (``{"t": "ask", "k": key, "s": station, "a": action,
"p": payload, "d": deadline}``: send this now and tell me the back office's answer, ``{"k": key, "answer": ...}``
or ``{"k": key, "why": ...}``) and a *wake* (``{"t": "wake", "s": station}``: messages were queued). The queue
itself is always the database's ``relay_outbox``; the channel only says "now".

- PostgreSQL: LISTEN/NOTIFY. A wake is a ``pg_notify`` inside the station's own transaction, so it is delivered
  exactly when the queued rows commit. Every relay process listens on :data:`WAKE_CHANNEL`; each worker thread on
  a reply channel of its own. It reaches relay processes on every node, and needs nothing but the database.
- SQLite (one node by nature): a Unix socket next to the database file, served by the one relay process; a wake is
  sent after the commit (and the relay also looks for queued rows every second, so a lost wake only delays).

Measurements and the reasons for this choice are in ``docs/relay.md``.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import socket
import threading
import time
import uuid
from pathlib import Path
from typing import Any

from sqlalchemy.engine import URL, make_url

from ..persistence.database import PG_CONNECT_DEFAULTS, normalise_url
from ..persistence.repositories.relay import WAKE_CHANNEL
from .ports import Asker, AskReply

logger = logging.getLogger(__name__)

MAX_NOTIFY_BYTES = 7900
"""PostgreSQL refuses NOTIFY payloads of 8000 bytes or more: a larger ask is not made (the message is queued)."""
SOCKET_PATH_MAX = 100


def libpq_dsn(url: str | URL) -> str:
    """The SQLAlchemy URL as a libpq connection string for psycopg (LISTEN needs a connection of its own)."""
    return normalise_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def socket_path(database_url: str, configured: str | None = None) -> str | None:
    """Where the relay of a SQLite database listens: ``OCPP_SOAP_RELAY_SOCKET``, else beside the database file
    (``.<file>.relay.sock``), else, when that path is too long for a Unix socket, in the temporary directory
    under a name derived from the file. None for an in-memory database (no relay can share it)."""
    if configured:
        return configured
    database = make_url(database_url).database
    if not database or database == ":memory:":
        return None
    path = Path(database).resolve()
    beside = path.parent / f".{path.name}.relay.sock"
    if len(str(beside)) <= SOCKET_PATH_MAX:
        return str(beside)
    digest = hashlib.sha256(str(path).encode()).hexdigest()[:16]
    return os.path.join("/tmp", f"ocpp-soap-relay-{digest}.sock")


def make_asker(database_url: str, socket_setting: str | None = None) -> Asker:
    url = normalise_url(database_url)
    if url.get_backend_name() == "postgresql":
        return NotifyAsker(libpq_dsn(url))
    path = socket_path(database_url, socket_setting)
    return SocketAsker(path) if path else NoRelay()


def ask_message(charge_box_id: str, action: str, payload: dict[str, Any], key: str, timeout: float) -> dict[str, Any]:
    return {"t": "ask", "k": key, "s": charge_box_id, "a": action, "p": payload, "d": time.time() + timeout}


def reply_of(data: dict[str, Any]) -> AskReply:
    answer = data.get("answer")
    return AskReply(answer=answer if isinstance(answer, dict) else None, why=data.get("why"))


class NoRelay:
    """No relay can be reached (an in-memory database): every relayed message is answered here and queued."""

    def ask(self, charge_box_id: str, action: str, payload: dict[str, Any], key: str, timeout: float) -> AskReply:
        return AskReply(why="no relay process can serve an in-memory database")

    def nudge(self, charge_box_id: str) -> None:
        return None


class NotifyAsker:
    """A worker's end on PostgreSQL: one autocommit connection per thread, listening on a channel of its own."""

    def __init__(self, dsn: str) -> None:
        self._dsn = dsn
        self._local = threading.local()

    def nudge(self, charge_box_id: str) -> None:
        return None  # the wake went with the transaction (repositories.relay.wake)

    def ask(self, charge_box_id: str, action: str, payload: dict[str, Any], key: str, timeout: float) -> AskReply:
        import psycopg

        deadline = time.monotonic() + timeout
        try:
            connection, channel = self._connection()
            message = {**ask_message(charge_box_id, action, payload, key, timeout), "r": channel}
            text = json.dumps(message, separators=(",", ":"))
            if len(text.encode()) > MAX_NOTIFY_BYTES:
                return AskReply(why=f"the message is too large to ask for ({len(text)} bytes); queued")
            sent = connection.execute(
                "SELECT pg_notify(%s, %s) WHERE EXISTS (SELECT 1 FROM relay_nodes WHERE expires_at > now())",
                (WAKE_CHANNEL, text),
            ).fetchone()
            if sent is None:
                return AskReply(why="no relay process is running")
            while (remaining := deadline - time.monotonic()) > 0:
                # Never a statement inside this loop: notifies() holds the connection until it returns.
                got = None
                for notification in connection.notifies(timeout=remaining, stop_after=1):
                    got = notification
                if got is None:
                    break
                data = json.loads(got.payload)
                if data.get("k") == key:
                    return reply_of(data)
                # a late reply to an ask this thread gave up on: skipped
        except psycopg.Error as exc:
            self._drop()
            return AskReply(why=f"channel to the relay failed: {str(exc).strip().splitlines()[0] if str(exc) else exc}")
        return AskReply(why=f"the back office did not answer within {timeout:g} s")

    def _connection(self) -> tuple[Any, str]:
        import psycopg

        local = self._local
        if getattr(local, "pid", None) != os.getpid() or local.connection.closed:
            connection = psycopg.connect(self._dsn, autocommit=True, **PG_CONNECT_DEFAULTS)
            channel = f"ocpp_relay_r_{uuid.uuid4().hex[:16]}"
            connection.execute(f"LISTEN {channel}")
            local.connection, local.channel, local.pid = connection, channel, os.getpid()
        return local.connection, local.channel

    def _drop(self) -> None:
        connection = getattr(self._local, "connection", None)
        self._local.pid = None
        if connection is not None:
            try:
                connection.close()
            except Exception:  # noqa: BLE001 - it is broken already
                pass


class SocketAsker:
    """A worker's end on SQLite: a short connection to the relay's Unix socket per ask or wake."""

    def __init__(self, path: str) -> None:
        self.path = path

    def ask(self, charge_box_id: str, action: str, payload: dict[str, Any], key: str, timeout: float) -> AskReply:
        deadline = time.monotonic() + timeout
        try:
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
                sock.settimeout(timeout)
                sock.connect(self.path)
                message = ask_message(charge_box_id, action, payload, key, timeout)
                sock.sendall(json.dumps(message, separators=(",", ":")).encode() + b"\n")
                buffer = b""
                while b"\n" not in buffer:
                    remaining = deadline - time.monotonic()
                    if remaining <= 0:
                        raise TimeoutError
                    sock.settimeout(remaining)
                    chunk = sock.recv(65536)
                    if not chunk:
                        return AskReply(why="the relay closed the connection")
                    buffer += chunk
        except (FileNotFoundError, ConnectionRefusedError):
            return AskReply(why="no relay process is running")
        except TimeoutError:
            return AskReply(why=f"the back office did not answer within {timeout:g} s")
        except OSError as exc:
            return AskReply(why=f"channel to the relay failed: {exc}")
        return reply_of(json.loads(buffer.split(b"\n", 1)[0]))

    def nudge(self, charge_box_id: str) -> None:
        try:
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
                sock.settimeout(0.5)
                sock.connect(self.path)
                sock.sendall(json.dumps({"t": "wake", "s": charge_box_id}).encode() + b"\n")
        except OSError:
            pass  # no relay running: it finds the queued rows when it starts

"""The relay process's end of the channel (see :mod:`.channel`): a LISTEN connection on PostgreSQL, a Unix
socket server on SQLite. Both hand every message to the node and send back what it answers."""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import json
import logging
import os
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from ..persistence.repositories.relay import WAKE_CHANNEL
from .channel import MAX_NOTIFY_BYTES

logger = logging.getLogger(__name__)

Handler = Callable[[dict[str, Any], Callable[[dict[str, Any]], Awaitable[None]]], Coroutine[Any, Any, None]]
"""(message, respond): the node's handling of one message; ``respond`` sends the reply to an ask."""


class NotifyListener:
    """LISTEN on :data:`WAKE_CHANNEL`, reconnecting with back-off; replies go by NOTIFY on the asker's channel."""

    def __init__(self, dsn: str, handle: Handler, on_connect: Callable[[], None]) -> None:
        self._dsn = dsn
        self._handle = handle
        self._on_connect = on_connect
        self._sender: Any = None
        self._send_lock = asyncio.Lock()
        self._tasks: set[asyncio.Task[Any]] = set()

    async def run(self) -> None:
        import psycopg

        delay = 0.5
        while True:
            try:
                async with await psycopg.AsyncConnection.connect(self._dsn, autocommit=True) as listening, \
                        await psycopg.AsyncConnection.connect(self._dsn, autocommit=True) as sender:
                    self._sender = sender
                    await listening.execute(f"LISTEN {WAKE_CHANNEL}")
                    delay = 0.5
                    self._on_connect()  # wake-ups sent while nobody listened are lost: look at the queue
                    async for notification in listening.notifies():
                        self._dispatch(notification.payload)
            except psycopg.Error as exc:
                logger.warning("relay channel (LISTEN) lost: %s; reconnecting in %.1f s",
                               str(exc).strip().splitlines()[0] if str(exc) else type(exc).__name__, delay)
            finally:
                self._sender = None
            await asyncio.sleep(delay)
            delay = min(delay * 2, 10.0)

    def _dispatch(self, text: str) -> None:
        try:
            message = json.loads(text)
        except ValueError:
            return
        reply_to = message.get("r")

        async def respond(reply: dict[str, Any]) -> None:
            if reply_to:
                await self._notify(reply_to, {"k": message.get("k"), **reply})

        task = asyncio.create_task(self._handle(message, respond))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _notify(self, channel: str, reply: dict[str, Any]) -> None:
        text = json.dumps(reply, separators=(",", ":"))
        if len(text.encode()) > MAX_NOTIFY_BYTES:
            text = json.dumps({"k": reply.get("k"), "why": "the answer is too large for the channel; queued"})
        async with self._send_lock:  # one connection, one statement at a time
            sender = self._sender
            if sender is None:
                return
            try:
                await sender.execute("SELECT pg_notify(%s, %s)", (channel, text))
            except Exception as exc:  # noqa: BLE001 - the worker falls back to ocpp-soap's answer at its deadline
                logger.warning("relay channel: reply not sent (%s)", type(exc).__name__)


class SocketListener:
    """A Unix socket server: one JSON line in, one JSON line out for an ask, nothing out for a wake."""

    def __init__(self, path: str, handle: Handler, on_listen: Callable[[], None]) -> None:
        self.path = path
        self._handle = handle
        self._on_listen = on_listen
        self._lock_file: int | None = None
        self._connections: set[asyncio.Task[Any]] = set()

    def lock(self) -> None:
        """Only one relay may serve a SQLite database: a lock file beside the socket says who does."""
        fd = os.open(self.path + ".lock", os.O_CREAT | os.O_RDWR, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise RuntimeError(f"another relay process serves this database already (lock {self.path}.lock)") from None
        self._lock_file = fd

    async def run(self) -> None:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.path)  # left by a relay that died; the lock says none is running
        server = await asyncio.start_unix_server(self._connection, path=self.path)
        os.chmod(self.path, 0o660)
        self._on_listen()
        try:
            async with server:
                await server.serve_forever()
        finally:
            for task in list(self._connections):
                task.cancel()
            await asyncio.gather(*self._connections, return_exceptions=True)
            with contextlib.suppress(FileNotFoundError):
                os.unlink(self.path)

    async def _connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        if task is not None:
            self._connections.add(task)
            task.add_done_callback(self._connections.discard)
        try:
            line = await reader.readline()
            if not line:
                return
            message = json.loads(line)

            async def respond(reply: dict[str, Any]) -> None:
                writer.write(json.dumps({"k": message.get("k"), **reply}, separators=(",", ":")).encode() + b"\n")
                with contextlib.suppress(ConnectionError):
                    await writer.drain()

            await self._handle(message, respond)
        except (ValueError, ConnectionError):
            pass
        finally:
            writer.close()
            with contextlib.suppress(ConnectionError):
                await writer.wait_closed()

"""``ocpp-soap relay``: the relay as a process of its own, and the one ``ocpp-soap serve`` starts beside gunicorn.

One asyncio loop holds every socket. The open-files limit is raised to its hard limit at start (each socket is a
file; a systemd default of 1024 would cap a relay at about a thousand stations: ``LimitNOFILE=`` in the unit
raises the hard limit). Schema validation of 1.6-J messages runs inline rather than in a thread pool: it costs
about 0.1 ms a message and halves the relay's CPU per message (``docs/relay.md``).
"""

from __future__ import annotations

import asyncio
import logging
import os
import resource
import signal
import subprocess
import sys
import threading
import time

from ..config import Settings

logger = logging.getLogger(__name__)

RESTART_DELAYS_S = (1.0, 2.0, 5.0, 10.0, 30.0)


def raise_open_files_limit() -> int:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
        return hard
    return soft


def run_relay(settings: Settings, *, parent: int | None = None) -> int:
    """Run until SIGTERM or SIGINT (or, with ``parent``, until that process is gone)."""
    import ocpp.messages

    from ..persistence.schema import SchemaNotCurrent
    from .node import RelayNode

    ocpp.messages.ASYNC_VALIDATION = False
    limit = raise_open_files_limit()
    try:
        node = RelayNode(settings)
    except SchemaNotCurrent as exc:
        logger.critical("relay cannot start: %s", exc)
        return 2
    logger.info("relay %s: open files limit %d", node.node_id, limit)

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        if parent is not None:
            asyncio.create_task(_watch_parent(parent, stop))
        await node.run(stop)

    try:
        asyncio.run(main())
    except RuntimeError as exc:  # another relay serves this SQLite database
        logger.critical("relay cannot start: %s", exc)
        return 2
    return 0


async def _watch_parent(parent: int, stop: asyncio.Event) -> None:
    while os.getppid() == parent:
        await asyncio.sleep(1.0)
    logger.warning("relay: the process that started it is gone; stopping")
    stop.set()


def wants_embedded_relay(settings: Settings) -> bool:
    """Whether ``ocpp-soap serve`` starts a relay: ``on``; ``auto`` when a default URL is set or any station has
    relay settings of its own (read from the database at start)."""
    mode = settings.relay.embedded
    if mode != "auto":
        return mode == "on"
    if settings.relay.url:
        return True
    from sqlalchemy import func, select
    from sqlalchemy.exc import SQLAlchemyError
    from sqlalchemy.orm import Session

    from ..persistence.database import create_database_engine
    from ..persistence.relay_orm import RelayStationRow

    engine = create_database_engine(settings.database_url)
    try:
        with Session(engine) as session:
            count = session.scalar(select(func.count()).select_from(RelayStationRow).where(RelayStationRow.enabled))
        return bool(count)
    except SQLAlchemyError:
        return False
    finally:
        engine.dispose()


class EmbeddedRelay:
    """The relay process ``ocpp-soap serve`` keeps running beside gunicorn: restarted (with a growing delay) if
    it ends unexpectedly, stopped with the server; it stops by itself if the server dies without stopping it."""

    def __init__(self) -> None:
        self._process: subprocess.Popen[bytes] | None = None
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> EmbeddedRelay:
        self._thread = threading.Thread(target=self._supervise, name="relay-supervisor", daemon=True)
        self._thread.start()
        return self

    def _command(self) -> list[str]:
        return [sys.executable, "-m", "ocpp_soap.cli", "relay", "--parent", str(os.getpid())]

    def _supervise(self) -> None:
        failures = 0
        while not self._stopping.is_set():
            started = time.monotonic()
            self._process = subprocess.Popen(self._command())
            code = self._process.wait()
            if self._stopping.is_set():
                return
            failures = 0 if time.monotonic() - started > 60 else failures + 1
            delay = RESTART_DELAYS_S[min(failures, len(RESTART_DELAYS_S) - 1)]
            logger.error("the relay process ended (exit code %s); starting it again in %.0f s", code, delay)
            self._stopping.wait(delay)

    def stop(self, timeout: float = 15) -> None:
        self._stopping.set()
        process = self._process
        if process is not None and process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout)
            except subprocess.TimeoutExpired:
                process.kill()
        if self._thread is not None:
            self._thread.join(5)



"""A relay process: the stations it owns, each with its :class:`~.link.StationLink`, and how it comes to own them.

Ownership (several relays on one PostgreSQL): each process renews a lease (``relay_nodes``) every third of
``OCPP_SOAP_RELAY_LEASE``; every couple of seconds it looks for relayed stations that nobody alive owns and takes
its fair share of them (an equal part of the relayed stations per live process), each change of owner raising the
link's ``epoch``. A process that could not renew for two thirds of the lease closes all its sockets before anyone
may take them over (at the full lease), so there is never more than one socket per station; every write a link
makes is fenced by its epoch. A process that stops cleanly frees its stations at once. On SQLite there is one
relay per database (a lock file).

Everything the process does in the database runs in a small thread pool (short transactions); the back office's
commands to stations run in another (a SOAP call may take up to ``OCPP_SOAP_RELAY_COMMAND_TIMEOUT``).
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import math
import os
import socket
import ssl
import threading
import time
import uuid
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from ..bootstrap import bootstrap, ensure_schema
from ..config import Settings
from ..persistence.database import create_database_engine, create_session_factory, normalise_url
from ..persistence.relay_store import RelayProcessUnitOfWork
from .channel import libpq_dsn, socket_path
from .commands import CommandRunner
from .journal import Journal
from .link import StationLink
from .listeners import NotifyListener, SocketListener
from .model import OutboxEntry, RelayedStation
from .records import Records
from .secrets import PasswordBox

logger = logging.getLogger(__name__)
T = TypeVar("T")

DISCOVERY_S = 5.0
PROVISIONAL_S = 60.0  # how long a new station's link waits for its first message to be recorded
SWEEP_S = 1.0
PRUNE_S = 600.0
KEEP_ACKED = timedelta(days=1)
Respond = Callable[[dict[str, Any]], Awaitable[None]]


class RelayNode:
    def __init__(self, settings: Settings, *, node_id: str | None = None, discovery_s: float = DISCOVERY_S) -> None:
        self.settings = settings
        self.node_id = node_id or f"{socket.gethostname()[:40]}-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        self.discovery_s = discovery_s
        self.engine = create_database_engine(settings.database_url)
        ensure_schema(self.engine)  # SchemaNotCurrent names `ocpp-soap db upgrade`
        session_factory = create_session_factory(self.engine)

        def uow_factory() -> RelayProcessUnitOfWork:
            return RelayProcessUnitOfWork(session_factory)

        self.uow_factory = uow_factory
        self.records = Records(uow_factory)
        # The back office's commands go through the bus as an operator's would, with a SOAP timeout that leaves
        # room within its own (about 30 s) for the answer to travel back.
        timeout = min(settings.command_timeout, settings.relay.command_timeout)
        self.gateway = bootstrap(replace(settings, command_timeout=timeout), uow_factory=uow_factory)
        self.commands = CommandRunner(self.gateway.bus, uow_factory)
        self.passwords = PasswordBox.from_settings(settings)
        self.links: dict[str, StationLink] = {}
        self._others: set[str] = set()  # relayed stations another live relay owns
        self._db_pool = ThreadPoolExecutor(8, thread_name_prefix="relay-db")
        self._command_pool = ThreadPoolExecutor(16, thread_name_prefix="relay-cmd")
        self._renewed = time.monotonic()
        self._fenced = False
        self._discover = asyncio.Event()
        self._ssl: ssl.SSLContext | None = None
        self.announced = threading.Event()  # listening, and its lease written: workers may ask
        self.journal = Journal(self.db, self.records.write)
        self.is_postgres = normalise_url(settings.database_url).get_backend_name() == "postgresql"

    # -- running ---------------------------------------------------------------------------------------------

    async def run(self, stop: asyncio.Event) -> None:
        listener: Any
        listening = asyncio.Event()

        def connected() -> None:
            listening.set()
            self.sweep_soon()

        if self.is_postgres:
            listener = NotifyListener(libpq_dsn(self.settings.database_url), self.handle, connected)
        else:
            path = socket_path(self.settings.database_url, self.settings.relay.socket)
            if path is None:
                raise RuntimeError("a relay cannot serve an in-memory database")
            listener = SocketListener(path, self.handle, connected)
            listener.lock()
        channel = asyncio.create_task(listener.run(), name="relay-channel")
        # Workers ask only while a relay is alive: announce this one once it listens.
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(listening.wait(), 10)
        self.journal.start()
        await self.db(self._renew)
        self.announced.set()
        loops = [
            channel,
            asyncio.create_task(self._lease_loop(), name="relay-lease"),
            asyncio.create_task(self._discovery_loop(), name="relay-discovery"),
            asyncio.create_task(self._sweep_loop(), name="relay-sweep"),
        ]
        logger.info("relay %s started (%s channel, lease %d s)", self.node_id,
                    "LISTEN/NOTIFY" if self.is_postgres else "Unix socket", self.settings.relay.lease)
        try:
            await stop.wait()
        finally:
            for task in loops:
                task.cancel()
            await asyncio.gather(*loops, return_exceptions=True)
            await self._stop_links(list(self.links))
            await self.journal.stop()
            with contextlib.suppress(Exception):
                await self.db(self._leave)
            self._db_pool.shutdown(wait=False, cancel_futures=True)
            self._command_pool.shutdown(wait=False, cancel_futures=True)
            self.engine.dispose()
            logger.info("relay %s stopped", self.node_id)

    async def db(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        return await asyncio.get_running_loop().run_in_executor(self._db_pool, functools.partial(fn, *args, **kwargs))

    async def command(self, fn: Callable[..., T], *args: Any) -> T:
        return await asyncio.get_running_loop().run_in_executor(self._command_pool, functools.partial(fn, *args))

    def ssl_context(self) -> ssl.SSLContext:
        """One context for every wss:// link: the system's CAs, or OCPP_SOAP_RELAY_CA_FILE; names checked."""
        if self._ssl is None:
            context = ssl.create_default_context(cafile=self.settings.relay.ca_file)
            context.minimum_version = ssl.TLSVersion.TLSv1_2
            self._ssl = context
        return self._ssl

    # -- the channel -----------------------------------------------------------------------------------------

    async def handle(self, message: dict[str, Any], respond: Respond) -> None:
        station = message.get("s")
        if not isinstance(station, str):
            return
        link = self.links.get(station)
        if message.get("t") == "wake":
            if link is not None:
                link.wake()
            elif station not in self._others:
                self._discover.set()
            return
        if message.get("t") != "ask":
            return
        if link is None and station not in self._others:
            await self._discover_now()  # a station this relay does not know yet: take it if it is free
            link = self.links.get(station)
            if link is None and station not in self._others:
                link = await self._provisional(station)
        if link is None:
            if station not in self._others:  # its owner answers; here nobody will
                await respond({"why": "the station is not relayed"})
            return
        try:
            await link.ask(str(message.get("a")), dict(message.get("p") or {}), str(message.get("k")),
                           float(message.get("d") or time.time() + self.settings.relay.answer_timeout), respond)
        except Exception as exc:  # noqa: BLE001 - the worker is answered either way
            logger.exception("station %s: ask failed", station)
            await respond({"why": f"relay error: {type(exc).__name__}"})

    async def _provisional(self, charge_box_id: str) -> StationLink | None:
        """A station's very first message (its first BootNotification, whose transaction has not recorded it yet):
        with a default URL it is relayed, so take its link now and let the back office answer that boot."""
        url = self.settings.relay.url
        if url is None or self._fenced:
            return None
        epoch = await self.db(self._claim_new, charge_box_id)
        if epoch is None:
            return self.links.get(charge_box_id)
        link = StationLink(self, RelayedStation(charge_box_id, url), epoch)
        link.provisional_until = time.monotonic() + PROVISIONAL_S
        self.links[charge_box_id] = link
        link.start()
        return link

    def _claim_new(self, charge_box_id: str) -> int | None:
        with self.uow_factory() as uow:
            if uow.stations.get(charge_box_id) is not None:
                return None  # a known station: discovery decides
            live = uow.store.live_nodes()
            loads = uow.store.count_owned()
            if loads.get(self.node_id, 0) > min(loads.get(node, 0) for node in live or [self.node_id]):
                return None  # a relay that owns fewer stations takes it (every relay hears the ask)
            uow.store.claim(self.node_id, [charge_box_id])
            epoch = uow.store.owned(self.node_id).get(charge_box_id)
            uow.commit()
        if epoch is None:
            self._others.add(charge_box_id)
        return epoch

    def sweep_soon(self) -> None:
        for link in self.links.values():
            link.wake()

    # -- ownership ---------------------------------------------------------------------------------------------

    def _renew(self) -> None:
        with self.uow_factory() as uow:
            uow.store.renew_node(self.node_id, socket.gethostname(), os.getpid(), self.settings.relay.lease)
            uow.commit()

    def _leave(self) -> None:
        with self.uow_factory() as uow:
            uow.store.delete_node(self.node_id)
            uow.commit()

    async def _lease_loop(self) -> None:
        lease = self.settings.relay.lease
        while True:
            await asyncio.sleep(lease / 3)
            try:
                await self.db(self._renew)
            except Exception as exc:  # noqa: BLE001 - a database away: fence if it lasts
                logger.warning("relay lease not renewed (%s)", type(exc).__name__)
            else:
                self._renewed = time.monotonic()
                if self._fenced:
                    logger.warning("relay lease renewed again: taking stations back")
                    self._fenced = False
                    self._discover.set()
                continue
            if not self._fenced and time.monotonic() - self._renewed > lease * 2 / 3:
                logger.error("relay lease not renewed for %.0f s: closing every socket before another relay may "
                             "take the stations over", time.monotonic() - self._renewed)
                self._fenced = True
                await self._stop_links(list(self.links))

    async def _discovery_loop(self) -> None:
        while True:
            try:
                await self._discover_now()
            except Exception as exc:  # noqa: BLE001 - the next round tries again
                logger.warning("relay: finding stations failed (%s: %s)", type(exc).__name__, exc)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._discover.wait(), self.discovery_s)
            self._discover.clear()

    async def _discover_now(self) -> None:
        if self._fenced:
            return
        relayed, owned = await self.db(self._claim)
        now = time.monotonic()
        gone = [cb for cb, link in self.links.items()
                if (cb not in owned or cb not in relayed) and link.provisional_until < now]
        await self._stop_links(gone)
        for charge_box_id, epoch in owned.items():
            station = relayed.get(charge_box_id)
            if station is None:
                continue
            link = self.links.get(charge_box_id)
            if link is not None:
                link.provisional_until = 0.0
            if link is not None and (link.epoch != epoch or (link.station.url, link.station.password)
                                     != (station.url, station.password)):
                await self._stop_links([charge_box_id])
                link = None
            if link is None:
                link = StationLink(self, station, epoch)
                self.links[charge_box_id] = link
                link.start()

    def _claim(self) -> tuple[dict[str, RelayedStation], dict[str, int]]:
        """Take a fair share of the relayed stations nobody alive owns; what this node owns afterwards."""
        with self.uow_factory() as uow:
            store = uow.store
            relayed = {s.charge_box_id: s for s in store.relayed_stations(self.settings.relay.url)}
            owners = store.owners(relayed)
            live = max(1, len(store.live_nodes()))
            mine = sum(1 for owner in owners.values() if owner == self.node_id)
            share = math.ceil(len(relayed) / live)
            free = sorted((cb for cb, owner in owners.items() if owner is None),
                          key=lambda cb: hash((cb, self.node_id)))
            store.claim(self.node_id, free[: max(0, share - mine)])
            owned = store.owned(self.node_id)
            # A station no longer relayed (turned off) is let go, so that its link shows as such.
            provisional = {cb for cb, link in self.links.items() if link.provisional_until > time.monotonic()}
            store.release(self.node_id, [cb for cb in owned if cb not in relayed and cb not in provisional])
            uow.commit()
        self._others = {cb for cb, owner in owners.items() if owner not in (None, self.node_id)}
        return relayed, owned

    def lost(self, charge_box_id: str, epoch: int) -> None:
        """A link found that another relay owns it now."""
        link = self.links.get(charge_box_id)
        if link is not None and link.epoch == epoch:
            del self.links[charge_box_id]
        self._discover.set()

    async def _stop_links(self, charge_box_ids: list[str]) -> None:
        links = [self.links.pop(cb) for cb in charge_box_ids if cb in self.links]
        await asyncio.gather(*(link.stop() for link in links), return_exceptions=True)

    # -- the queue ---------------------------------------------------------------------------------------------

    async def _sweep_loop(self) -> None:
        pruned = time.monotonic()
        while True:
            await asyncio.sleep(SWEEP_S)
            try:
                waiting = await self.db(self._stations_with_queue)
            except Exception as exc:  # noqa: BLE001 - next time
                logger.debug("relay sweep failed: %s", exc)
                continue
            for charge_box_id in waiting:
                link = self.links.get(charge_box_id)
                if link is not None and link.connected.is_set() and not link.lane.locked():
                    link.wake()
            if time.monotonic() - pruned > PRUNE_S:
                pruned = time.monotonic()
                with contextlib.suppress(Exception):
                    await self.db(self._prune)

    def _stations_with_queue(self) -> list[str]:
        with self.uow_factory() as uow:
            return uow.store.stations_with_queue(self.node_id)

    def _prune(self) -> None:
        before = datetime.now(UTC) - KEEP_ACKED
        with self.uow_factory() as uow:
            uow.store.prune_outbox(before)
            uow.store.prune_answers(before)
            uow.store.prune_nodes(KEEP_ACKED)
            uow.store.prune_links()
            uow.commit()

    def queue_entries(self, entries: list[OutboxEntry]) -> None:
        with self.uow_factory() as uow:
            uow.relay.append(entries)
            uow.commit()

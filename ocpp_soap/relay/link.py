"""One relayed station's WebSocket to the back office, owned by this relay process: connect (HTTP Basic auth,
subprotocol ``ocpp1.6``, TLS verified), keep alive with pings, reconnect with jittered exponential back-off, and
in between carry the station's messages (asks from workers, then the queue in order) and the back office's CALLs.

Order per station: asks and queue deliveries take the same lane, one message at a time, and an ask is refused
(the station is answered by ocpp-soap, the message queued) while anything is queued before it. Before anything but
a BootNotification, the station must be registered with the back office: a link to a back office that never
accepted the station sends it a BootNotification from the stored boot details first, and while the answer is
Pending or Rejected only BootNotification goes (again after the interval the back office gave).
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
import uuid
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidStatus, InvalidURI
from websockets.headers import build_authorization_basic

from ..domain.model import RegistrationStatus
from ..domain.versions import Protocol
from . import downstream
from .charge_point import RelayChargePoint
from .downstream import CallRefused, Route
from .model import OutboxEntry, RelayedStation
from .records import Frames, LinkKey, NotDeliverable, uid_for, uid_for_key
from .secrets import UnreadablePassword
from .trigger import trigger

if TYPE_CHECKING:
    from .node import RelayNode

logger = logging.getLogger(__name__)

BACKOFF_BASE_S = 1.0
BACKOFF_CAP_S = 60.0
SHORT_LIVED_S = 10.0  # a connection closed sooner than this was refused in effect: wait before the next one
RETRY_UNANSWERED_S = 5.0
BATCH = 50
Respond = Callable[[dict[str, Any]], Awaitable[None]]


def backoff(attempt: int, base: float = BACKOFF_BASE_S, cap: float = BACKOFF_CAP_S) -> float:
    """Full jitter: anywhere up to the exponential bound, so that a back office coming back is not hit by every
    station in the same second."""
    return random.uniform(0, min(cap, base * 2**attempt))


class StationLink:
    def __init__(self, node: RelayNode, station: RelayedStation, epoch: int) -> None:
        self.node = node
        self.station = station
        self.charge_box_id = station.charge_box_id
        self.key = LinkKey(station.charge_box_id, node.node_id, epoch, station.url)
        self.cp: RelayChargePoint | None = None
        self.connected = asyncio.Event()
        self.ever_connected = False
        self.lane = asyncio.Lock()
        self.wanted = asyncio.Event()  # the queue may have something to send
        self.backlog = True  # until the queue was seen empty
        self.registered = False
        self.retry_boot_at = 0.0
        self.protocol: Protocol | None = None
        self._triggered: dict[str, list[OutboxEntry]] = {}
        self._task: asyncio.Task[None] | None = None
        self._tasks: set[asyncio.Task[Any]] = set()
        self._stopping = False
        self.provisional_until = 0.0  # a new station's link, kept until its first message is recorded
        self._boot_asked = 0  # the station's own BootNotification is on its way: no boot of the relay's meanwhile

    @property
    def epoch(self) -> int:
        return self.key.epoch

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name=f"relay-link-{self.charge_box_id}")

    async def stop(self) -> None:
        self._stopping = True
        if self.cp is not None:
            try:
                await asyncio.wait_for(self.cp._connection.close(1001, "relay stopping"), 5)
            except (TimeoutError, ConnectionClosed, OSError):
                pass
        for task in [self._task, *self._tasks]:
            if task is not None and not task.done():
                task.cancel()
        if self._task is not None:
            try:
                await self._task
            except (asyncio.CancelledError, Exception):  # noqa: BLE001 - stopping: whatever it ended with
                pass

    def wake(self) -> None:
        self.backlog = True
        self.wanted.set()

    # -- the connection -------------------------------------------------------------------------------------------

    async def _run(self) -> None:
        attempt = 0
        while not self._stopping:
            try:
                ws = await self._connect()
            except _NoConnection as exc:
                if not await self._state(False, str(exc)):
                    return
                cap = self.node.settings.relay.reconnect_max
                await asyncio.sleep(exc.retry_after if exc.retry_after is not None else backoff(attempt, cap=cap))
                attempt += 1
                continue
            opened = time.monotonic()
            why = await self._serve(ws)
            if not await self._state(False, why):
                return
            if time.monotonic() - opened < SHORT_LIVED_S:
                await asyncio.sleep(backoff(attempt, base=2.0, cap=self.node.settings.relay.reconnect_max))
                attempt += 1
            else:
                attempt = 0

    async def _connect(self) -> Any:
        url = f"{self.station.url}/{quote(self.charge_box_id, safe='')}"
        headers = {}
        if self.station.password:
            try:
                password = self.node.passwords.open(self.station.password)
            except UnreadablePassword as exc:
                raise _NoConnection(f"the station's relay password cannot be read: {exc}", retry_after=60) from None
            headers["Authorization"] = build_authorization_basic(self.charge_box_id, password)
        ping = self.node.settings.relay.ping_interval or None
        try:
            return await connect(
                url, subprotocols=["ocpp1.6"], additional_headers=headers,  # type: ignore[list-item]
                ssl=self.node.ssl_context() if url.startswith("wss://") else None,
                proxy=None, open_timeout=10, ping_interval=ping, ping_timeout=ping, close_timeout=5, compression=None,
                max_size=4 * 1024 * 1024, user_agent_header="ocpp-soap relay",
            )
        except InvalidStatus as exc:
            code = exc.response.status_code
            what = "the station's credentials were refused" if code in (401, 403) else "the connection was refused"
            raise _NoConnection(f"{what}: HTTP {code}") from None
        except (OSError, TimeoutError, InvalidHandshake, InvalidURI) as exc:
            raise _NoConnection(f"cannot connect to {self.station.url}: {type(exc).__name__}: {exc}") from None

    async def _serve(self, ws: Any) -> str:
        if ws.subprotocol != "ocpp1.6":
            await ws.close(1002, "ocpp1.6 is required")
            return f"the back office did not accept subprotocol ocpp1.6 (it chose {ws.subprotocol!r})"
        cp = RelayChargePoint(self.charge_box_id, ws, self)
        self.cp = cp
        reader = asyncio.create_task(cp.start())
        if not await self._state(True):
            await ws.close(1001, "ownership moved")
            reader.cancel()
            return "ownership moved"
        logger.info("station %s connected to %s", self.charge_box_id, self.station.url)
        self.connected.set()
        self.ever_connected = True
        drainer = asyncio.create_task(self._drain_loop())
        self.wake()
        why = "closed"
        try:
            await reader
        except ConnectionClosed as exc:
            why = f"socket closed: {exc.rcvd.code if exc.rcvd else 1006} {exc.rcvd.reason if exc.rcvd else ''}".strip()
        except Exception as exc:  # noqa: BLE001 - whatever broke the loop, the link reconnects
            why = f"{type(exc).__name__}: {exc}"
            logger.exception("station %s: relay connection failed", self.charge_box_id)
        finally:
            self.connected.clear()
            self.cp = None
            drainer.cancel()
            await ws.close()
        logger.info("station %s disconnected from the back office (%s)", self.charge_box_id, why)
        return why

    async def _state(self, connected: bool, error: str | None = None) -> bool:
        """Write the link's state; False when this node no longer owns the link (it stops)."""
        try:
            owned = await self.node.db(self.node.records.connected, self.key, connected, error)
        except Exception as exc:  # noqa: BLE001 - the database may be away: the link goes on
            logger.warning("station %s: link state not written (%s)", self.charge_box_id, type(exc).__name__)
            return True
        if not owned:
            logger.warning("station %s: another relay owns the link now; this one stops", self.charge_box_id)
            self._stopping = True
            self.node.lost(self.charge_box_id, self.epoch)
        return owned

    # -- the station's messages -------------------------------------------------------------------------------

    async def ask(self, action: str, payload: dict[str, Any], key: str, deadline: float, respond: Respond) -> None:
        """A worker waits for the back office's answer to a station's message (until ``deadline``, a wall clock)."""
        if action == "BootNotification":
            self._boot_asked += 1
            try:
                await self._asked(action, payload, key, deadline, respond)
            finally:
                self._boot_asked -= 1
                self.wanted.set()
            return
        await self._asked(action, payload, key, deadline, respond)

    async def _asked(self, action: str, payload: dict[str, Any], key: str, deadline: float, respond: Respond) -> None:
        if not self.connected.is_set() and not self.ever_connected:
            try:  # a station seen for the first time: its link is opening now
                await asyncio.wait_for(self.connected.wait(), max(0.0, deadline - time.time() - 0.2))
            except TimeoutError:
                pass
        if not self.connected.is_set():
            await respond({"why": "the station is not connected to the back office"})
            return
        try:
            await asyncio.wait_for(self.lane.acquire(), max(0.01, deadline - time.time()))
        except TimeoutError:
            await respond({"why": "earlier messages of the station are still being sent"})
            return
        try:
            await self._ask(action, payload, key, respond)
        finally:
            self.lane.release()

    async def _ask(self, action: str, payload: dict[str, Any], key: str, respond: Respond) -> None:
        records = self.node.records
        registering = action == "BootNotification" and not self.registered  # a boot registers: it goes first
        waiting = await self.node.db(records.queue_length, self.charge_box_id) if self.backlog and not registering else 0
        if waiting:
            self.wanted.set()
            await respond({"why": "messages queued before this one are sent first"})
            return
        self.backlog = False
        if not self.registered and action != "BootNotification" and not await self._settle():
            await respond({"why": "the back office has not accepted the station's registration"})
            return
        try:
            kept, sent = await self.node.db(records.before_ask, self.charge_box_id, key, action, payload)
        except NotDeliverable as exc:
            await respond({"why": str(exc)})
            return
        if kept is not None:  # a resend: the back office answered it already
            await respond({"why": kept["_error"]} if "_error" in kept else {"answer": kept})
            return
        cp = self.cp
        if cp is None:
            await respond({"why": "the station is not connected to the back office"})
            return
        outcome = await cp.exchange(action, sent, uid_for_key(key))
        await respond({"answer": outcome.answer} if outcome.answered else {"why": outcome.error})
        await self.node.journal.write(records.asked, self.charge_box_id, key, action, payload, outcome.answer, outcome.frames,
                           self.key)
        if action == "BootNotification" and outcome.answer is not None:
            self._registration(outcome.answer)

    async def _drain_loop(self) -> None:
        while True:
            await self.wanted.wait()
            self.wanted.clear()
            try:
                await self._drain()
            except asyncio.CancelledError:
                raise
            except Exception:  # noqa: BLE001 - try again shortly; the rows stay queued
                logger.exception("station %s: sending the queue failed", self.charge_box_id)
                self._later(RETRY_UNANSWERED_S)

    async def _drain(self) -> None:
        async with self.lane:
            if not await self._settle():
                return
            while self.connected.is_set():
                entries, kept = await self.node.db(self.node.records.next_batch, self.charge_box_id, BATCH)
                if not entries:
                    self.backlog = False
                    return
                self.backlog = True
                for entry in entries:
                    if not await self._deliver(entry, kept.get(entry.key or "")):
                        return

    async def _deliver(self, entry: OutboxEntry, kept: dict[str, Any] | None = None) -> bool:
        """Send one queued message; False: stop here for now (no answer, or not registered)."""
        records = self.node.records
        if entry.key:
            if kept is None and entry.action == "BootNotification":  # sent out of order: not in a batch
                kept = await self.node.db(records.kept_answer, entry.key)
            if kept is not None:  # answered already, to the worker's ask, after the worker had given up
                if "_error" in kept:
                    await self.node.journal.write(records.failed, entry, str(kept["_error"]), None)
                else:
                    await self.node.journal.write(records.delivered, entry, kept, None, self.key)
                return True
        if not self.registered and entry.action != "BootNotification":
            return False
        try:
            payload = await self.node.db(records.resolve, self.charge_box_id, entry.action, entry.payload,
                                         station_ids=False)
        except NotDeliverable as exc:
            await self.node.journal.write(records.failed, entry, str(exc), None)
            return True
        cp = self.cp
        if cp is None:
            return False
        outcome = await cp.exchange(entry.action, payload, uid_for(entry))
        if outcome.answered:
            assert outcome.answer is not None
            await self.node.journal.write(records.delivered, entry, outcome.answer, outcome.frames, self.key)
            if entry.action == "BootNotification":
                self._registration(outcome.answer)
                return self.registered
            return True
        if outcome.kind in ("callerror", "invalid"):
            await self.node.journal.write(records.failed, entry, outcome.error or outcome.kind, outcome.frames)
            return True
        await self.node.journal.write(records.attempted, entry, outcome.frames)
        self._later(RETRY_UNANSWERED_S)
        return False

    async def _settle(self) -> bool:
        """Whether the station is registered with the back office, registering it first where needed."""
        if self.registered:
            return True
        link = await self.node.db(self.node.records.link, self.charge_box_id)
        if link is not None and link.registration == RegistrationStatus.ACCEPTED.value \
                and link.registered_url == self.station.url:
            self.registered = True
            return True
        if self._boot_asked:
            return False  # the station's own boot is about to register it (the ask wakes the queue after)
        boot = await self.node.db(self.node.records.first_queued, self.charge_box_id, "BootNotification")
        if boot is not None:  # the station's own boot registers it, ahead of what it queued before
            await self._deliver(boot)
            return self.registered
        if time.monotonic() < self.retry_boot_at:
            return False
        payload = await self.node.db(self.node.records.boot_payload, self.charge_box_id)
        cp = self.cp
        if payload is None or cp is None:
            return payload is None  # nothing to register with: send what there is
        outcome = await cp.exchange("BootNotification", payload, str(uuid.uuid4()))
        await self.node.journal.write(self.node.records.booted, self.charge_box_id, outcome.answer, outcome.frames, self.key)
        if outcome.answer is None:
            self._later(RETRY_UNANSWERED_S)
            return False
        self._registration(outcome.answer)
        return self.registered

    def _registration(self, answer: dict[str, Any]) -> None:
        self.registered = answer.get("status") == RegistrationStatus.ACCEPTED.value
        if not self.registered:
            interval = answer.get("interval")
            wait = float(interval) if isinstance(interval, int) and interval > 0 else 30.0
            self.retry_boot_at = time.monotonic() + wait
            self._later(wait)

    def _later(self, seconds: float) -> None:
        async def wake_later() -> None:
            await asyncio.sleep(seconds)
            self.wanted.set()

        task = asyncio.create_task(wake_later())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    # -- the back office's CALLs ------------------------------------------------------------------------------

    async def on_call(self, action: str, payload: dict[str, Any], unique_id: str) -> dict[str, Any]:
        runner = self.node.commands
        protocol = self.protocol = await self.node.db(runner.protocol, self.charge_box_id) or self.protocol
        if protocol is None:
            raise CallRefused("InternalError", "the station's OCPP version is not known yet")
        route = downstream.route(protocol, action)
        if route is Route.NOT_SUPPORTED:
            if action in downstream.CHARGE_POINT_ACTIONS:
                raise CallRefused("NotSupported", f"OCPP {protocol.number} stations have no {action}")
            raise CallRefused("NotSupported", f"{action} is not a request a charge point takes")
        if route is Route.EMULATE:
            status, entries = await self.node.db(
                trigger, self.node.uow_factory, self.charge_box_id, str(payload.get("requestedMessage")),
                payload.get("connectorId"), self.node.settings.heartbeat_interval,
            )
            if entries:
                self._triggered[unique_id] = entries
            return {"status": status}
        return await self.node.command(runner.run, self.charge_box_id, protocol, action, payload)

    async def after_call(self, action: str, unique_id: str) -> None:
        entries = self._triggered.pop(unique_id, None)
        if entries:
            await self.node.db(self.node.queue_entries, entries)
            self.wake()

    def log_incoming(self, frames: Frames) -> None:
        task = asyncio.create_task(self.node.journal.write(self.node.records.logged, self.charge_box_id, frames))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)


class _NoConnection(Exception):
    def __init__(self, why: str, retry_after: float | None = None) -> None:
        super().__init__(why)
        self.retry_after = retry_after

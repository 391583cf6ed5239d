"""A back office for the relay tests: an OCPP 1.6-J central system built with mobilityhouse's ``ocpp`` package on
a ``websockets`` server on 127.0.0.1 (a free port), run in a thread of its own so that synchronous tests can
drive it. It records every CALL it receives, answers as a test tells it to (statuses, delays, CALLERRORs), checks
HTTP Basic auth and the ``ocpp1.6`` subprotocol, counts sockets per station (at most one may be open), and sends
CALLs to stations (:meth:`BackOffice.call`).
"""

from __future__ import annotations

import asyncio
import base64
import http
import itertools
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import unquote

from ocpp.routing import on
from ocpp.v16 import ChargePoint, call, call_result
from ocpp.v16.enums import Action
from websockets.asyncio.server import ServerConnection, serve
from websockets.exceptions import ConnectionClosed


def now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


@dataclass
class Received:
    station: str
    action: str
    unique_id: str
    payload: dict[str, Any]
    at: float = field(default_factory=time.monotonic)


class StationModel(ChargePoint):  # type: ignore[misc]
    """The back office's side of one charge point's socket."""

    def __init__(self, charge_box_id: str, connection: Any, office: BackOffice) -> None:
        super().__init__(charge_box_id, connection, response_timeout=30)
        self.office = office

    async def _handle_call(self, msg: Any) -> Any:
        self.office.record(self.id, msg.action, msg.unique_id, msg.payload)
        behaviour = self.office.behaviour.get(msg.action)
        if behaviour is not None:
            await behaviour(msg)
        return await super()._handle_call(msg)

    @on(Action.boot_notification)
    async def on_boot(self, **_: Any) -> Any:
        return call_result.BootNotification(current_time=now(), interval=self.office.interval,
                                            status=self.office.boot_status)

    @on(Action.heartbeat)
    async def on_heartbeat(self, **_: Any) -> Any:
        return call_result.Heartbeat(current_time=now())

    @on(Action.authorize)
    async def on_authorize(self, id_tag: str, **_: Any) -> Any:
        return call_result.Authorize(id_tag_info={"status": self.office.tags.get(id_tag, "Accepted")})

    @on(Action.start_transaction)
    async def on_start(self, id_tag: str, **_: Any) -> Any:
        transaction_id = next(self.office.transaction_ids)
        return call_result.StartTransaction(transaction_id=transaction_id,
                                            id_tag_info={"status": self.office.tags.get(id_tag, "Accepted")})

    @on(Action.stop_transaction)
    async def on_stop(self, id_tag: str | None = None, **_: Any) -> Any:
        info = {"status": self.office.tags.get(id_tag, "Accepted")} if id_tag else None
        return call_result.StopTransaction(id_tag_info=info)

    @on(Action.meter_values)
    async def on_meter_values(self, **_: Any) -> Any:
        return call_result.MeterValues()

    @on(Action.status_notification)
    async def on_status(self, **_: Any) -> Any:
        return call_result.StatusNotification()

    @on(Action.firmware_status_notification)
    async def on_firmware(self, **_: Any) -> Any:
        return call_result.FirmwareStatusNotification()

    @on(Action.diagnostics_status_notification)
    async def on_diagnostics(self, **_: Any) -> Any:
        return call_result.DiagnosticsStatusNotification()

    @on(Action.data_transfer)
    async def on_data_transfer(self, vendor_id: str, **_: Any) -> Any:
        return call_result.DataTransfer(status="Accepted", data=f"hello {vendor_id}")


class BackOffice:
    def __init__(self, *, passwords: dict[str, str] | None = None, first_transaction_id: int = 5000) -> None:
        self.passwords = passwords or {}
        self.received: list[Received] = []
        self.stations: dict[str, StationModel] = {}
        self.open_sockets: Counter[str] = Counter()
        self.most_sockets: Counter[str] = Counter()
        self.connects: Counter[str] = Counter()
        self.refused: list[tuple[str, int]] = []
        self.boot_status = "Accepted"
        self.interval = 300
        self.tags: dict[str, str] = {}
        self.transaction_ids = itertools.count(first_transaction_id)
        self.behaviour: dict[str, Callable[[Any], Any]] = {}
        self._lock = threading.Lock()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="back-office", daemon=True)
        self._server: Any = None
        self.port = 0

    # -- running --------------------------------------------------------------------------------------------

    def start(self, port: int = 0) -> BackOffice:
        if not self._thread.is_alive():
            self._thread.start()
        self._server = self.run(self._serve(port))
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/ocpp"

    async def _serve(self, port: int) -> Any:
        return await serve(self._handler, "127.0.0.1", port, subprotocols=["ocpp1.6"],  # type: ignore[list-item]
                           process_request=self._check, compression=None)

    def stop_listening(self) -> None:
        """The back office goes away: its sockets close and nobody can connect until :meth:`start` again."""
        async def close() -> None:
            self._server.close()
            for model in list(self.stations.values()):
                await model._connection.close(1001, "going away")
            await self._server.wait_closed()

        self.run(close())

    def close(self) -> None:
        if self._server is not None:
            self.stop_listening()
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)

    def run(self, coroutine: Any, timeout: float = 60) -> Any:
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(timeout)

    # -- the server -----------------------------------------------------------------------------------------

    def _check(self, connection: ServerConnection, request: Any) -> Any:
        station = unquote(request.path.rstrip("/").rsplit("/", 1)[-1])
        expected = self.passwords.get(station)
        if expected is not None:
            header = request.headers.get("Authorization", "")
            given = ""
            if header.startswith("Basic "):
                given = base64.b64decode(header[6:]).decode()
            if given != f"{station}:{expected}":
                self.refused.append((station, 401))
                return connection.respond(http.HTTPStatus.UNAUTHORIZED, "bad credentials\n")
        return None

    async def _handler(self, connection: ServerConnection) -> None:
        station = unquote(connection.request.path.rstrip("/").rsplit("/", 1)[-1])
        assert connection.subprotocol == "ocpp1.6"
        model = StationModel(station, connection, self)
        with self._lock:
            self.open_sockets[station] += 1
            self.connects[station] += 1
            self.most_sockets[station] = max(self.most_sockets[station], self.open_sockets[station])
        self.stations[station] = model
        try:
            await model.start()
        except ConnectionClosed:
            pass
        finally:
            with self._lock:
                self.open_sockets[station] -= 1
            if self.stations.get(station) is model:
                del self.stations[station]

    def record(self, station: str, action: str, unique_id: str, payload: dict[str, Any]) -> None:
        with self._lock:
            self.received.append(Received(station, action, unique_id, payload))

    # -- what tests ask --------------------------------------------------------------------------------------

    def call(self, station: str, payload: Any, timeout: float = 40) -> Any:
        """Send a CALL to a station and return the result (raises the library's OCPPError on a CALLERROR)."""
        async def send() -> Any:
            return await self.stations[station].call(payload, suppress=False)

        return self.run(send(), timeout)

    def raw_call(self, station: str, frame: str, timeout: float = 10) -> str:
        """Send a raw frame and return the raw answer (for actions the library would not send)."""
        async def send() -> str:
            model = self.stations[station]
            waiter = asyncio.get_running_loop().create_future()
            original = model.route_message

            async def catch(message: str) -> None:
                if not waiter.done() and message.startswith(("[3", "[4")):
                    waiter.set_result(message)
                    return
                await original(message)

            model.route_message = catch  # type: ignore[method-assign]
            try:
                await model._connection.send(frame)
                return await asyncio.wait_for(waiter, timeout)
            finally:
                model.route_message = original  # type: ignore[method-assign]

        return self.run(send(), timeout + 5)

    def messages(self, station: str | None = None, action: str | None = None) -> list[Received]:
        with self._lock:
            return [r for r in self.received if (station is None or r.station == station)
                    and (action is None or r.action == action)]

    def wait_for(self, what: Callable[[], Any], timeout: float = 15, message: str = "") -> Any:
        deadline = time.monotonic() + timeout
        while True:
            value = what()
            if value:
                return value
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out after {timeout} s waiting for {message or what}")
            time.sleep(0.02)

    def connected(self, station: str) -> bool:
        return station in self.stations


_ = call  # the tests build CALLs with ocpp.v16.call

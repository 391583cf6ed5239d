"""The pieces of a relay test: the gateway (in-process, over loopback HTTP) with relay mode on, a relay process (in
a thread of this process, or a real ``ocpp-soap relay`` process), the test back office, and SOAP stations of each
version that send exactly what a test says."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from ocpp_soap.bootstrap import Gateway, bootstrap
from ocpp_soap.config import RelaySettings, Settings
from ocpp_soap.domain.model import AuthorizationStatus, ChargePointErrorCode, ConnectorStatus, IdTag
from ocpp_soap.persistence import orm
from ocpp_soap.persistence.relay_orm import RelayIdRow, RelayLinkRow, RelayOutboxRow
from ocpp_soap.relay.node import RelayNode
from ocpp_soap.simulator.central_system_client import CentralSystemClient, StationLink
from ocpp_soap.simulator.link import MeterSample, StationProfile
from ocpp_soap.soap.edge import edge_for_number
from ocpp_soap.wsgi import create_app
from tests.conftest import LiveServer

from .back_office import BackOffice

VERSIONS = ("1.2", "1.5")
"""The SOAP versions the relay tests run for. A version added to the registry (``Protocol``) is added here: the
paths and namespaces below come from its SOAP edge; what a test sends that the version words differently (1.6
has no Occupied) is said in the test."""


def central_system_path(version: str) -> str:
    return edge_for_number(version).central_system.path


def charge_point_namespace(version: str) -> str:
    return edge_for_number(version).charge_point.namespace
T = TypeVar("T")


def eventually(probe: Callable[[], T | None], what: str, timeout: float = 15.0) -> T:
    deadline = time.monotonic() + timeout
    while True:
        value = probe()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:g}s waiting for {what}")
        time.sleep(0.02)


class RelayThread:
    """A relay node on an event loop in a thread of this process."""

    def __init__(self, settings: Settings) -> None:
        self.node = RelayNode(settings, discovery_s=0.2)
        self._loop = asyncio.new_event_loop()
        self._stop: asyncio.Event | None = None
        self._thread = threading.Thread(target=self._main, name="relay", daemon=True)
        self._started = threading.Event()

    def _main(self) -> None:
        asyncio.set_event_loop(self._loop)

        async def main() -> None:
            self._stop = asyncio.Event()
            self._started.set()
            await self.node.run(self._stop)

        self._loop.run_until_complete(main())

    def start(self) -> RelayThread:
        self._thread.start()
        self._started.wait(5)
        assert self.node.announced.wait(15), "the relay did not start"
        return self

    def stop(self) -> None:
        if self._stop is not None and self._thread.is_alive():
            self._loop.call_soon_threadsafe(self._stop.set)
            self._thread.join(20)


class RelayProcess:
    """``ocpp-soap relay`` as a real process (to be killed)."""

    BIN = Path(sys.executable).parent / "ocpp-soap"

    def __init__(self, settings: Settings, log: Path) -> None:
        env = {**os.environ, **settings_env(settings)}
        self.log = log
        with log.open("ab") as out:
            self.process = subprocess.Popen([str(self.BIN), "relay"], env=env, stdout=out, stderr=subprocess.STDOUT)

    def kill(self) -> None:
        self.process.kill()
        self.process.wait(10)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)

    def output(self) -> str:
        return self.log.read_text(errors="replace")


def settings_env(settings: Settings) -> dict[str, str]:
    relay = settings.relay
    env = {
        "OCPP_SOAP_DATABASE_URL": settings.database_url,
        "OCPP_SOAP_AUTO_ACCEPT": "true" if settings.auto_accept else "false",
        "OCPP_SOAP_HEARTBEAT_INTERVAL": str(settings.heartbeat_interval),
        "OCPP_SOAP_RELAY_LEASE": str(relay.lease),
        "OCPP_SOAP_RELAY_ANSWER_TIMEOUT": str(relay.answer_timeout),
        "OCPP_SOAP_RELAY_RECONNECT_MAX": str(relay.reconnect_max),
        "OCPP_SOAP_LOG_LEVEL": "INFO",
    }
    if relay.url:
        env["OCPP_SOAP_RELAY_URL"] = relay.url
    if relay.keys:
        env["OCPP_SOAP_RELAY_KEY"] = ",".join(relay.keys)
    return env


class Stations:
    """SOAP stations that send what a test says, one client per version."""

    def __init__(self, gateway_url: str) -> None:
        self.gateway_url = gateway_url
        self._clients: dict[str, CentralSystemClient] = {}

    def link(self, version: str, charge_box_id: str, own_url: str = "http://127.0.0.1:9/ChargePointService") -> Station:
        client = self._clients.get(version)
        if client is None:
            client = self._clients[version] = CentralSystemClient(version, self.gateway_url + central_system_path(version), timeout=20)
        return Station(version, client.link(charge_box_id, own_url))

    def close(self) -> None:
        for client in self._clients.values():
            client.close()


class Station:
    def __init__(self, version: str, link: StationLink) -> None:
        self.version = version
        self.link = link
        self.id = link.charge_box_id

    def boot(self) -> Any:
        return self.link.boot(StationProfile(), "SN-0001", "1.0.0")

    def status(self, connector: int, status: str, error: str = "NoError") -> None:
        self.link.status_notification(connector, ConnectorStatus(status), ChargePointErrorCode(error), now())

    def start(self, connector: int, tag: str, meter: int = 1000) -> Any:
        return self.link.start_transaction(connector, tag, now(), meter, None)

    def meter(self, connector: int, transaction_id: int | None, wh: int) -> None:
        self.link.meter_values(connector, transaction_id, [sample(wh)])

    def stop(self, transaction_id: int, tag: str | None, meter: int) -> Any:
        return self.link.stop_transaction(transaction_id, tag, now(), meter, [sample(meter)])


def now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def sample(wh: int) -> MeterSample:
    from ocpp_soap.domain.model import ReadingContext

    return MeterSample(now(), wh, None, ReadingContext.SAMPLE_PERIODIC)


class Relayed:
    """The whole set-up: the back office, the gateway on loopback HTTP, and (once started) a relay."""

    def __init__(self, database_url: str, tmp_path: Path, *, auto_accept: bool = True, **relay: Any) -> None:
        self.tmp_path = tmp_path
        self.office = BackOffice().start()
        relay_settings = RelaySettings(url=self.office.url, lease=3, answer_timeout=5.0, reconnect_max=2, **relay)
        self.settings = Settings(database_url=database_url, auto_accept=auto_accept, relay=relay_settings,
                                 heartbeat_interval=300, command_timeout=10)
        self.gateway: Gateway = bootstrap(self.settings)
        self.server = LiveServer(create_app(self.settings, gateway=self.gateway)).start()
        self.stations = Stations(self.server.url)
        self.relay: RelayThread | None = None

    def start_relay(self) -> RelayThread:
        self.relay = RelayThread(self.settings).start()
        return self.relay

    def stop_relay(self) -> None:
        if self.relay is not None:
            self.relay.stop()
            self.relay = None

    def close(self) -> None:
        self.stop_relay()
        self.stations.close()
        self.server.stop()
        self.office.close()
        self.gateway.close()

    def with_settings(self, **relay: Any) -> Settings:
        return replace(self.settings, relay=replace(self.settings.relay, **relay))

    # -- reading the database --------------------------------------------------------------------------------

    def rows(self, model: type[T], **where: Any) -> list[T]:
        with Session(self.gateway.database) as session:
            return list(session.scalars(select(model).filter_by(**where)))

    def queued(self, station: str) -> list[RelayOutboxRow]:
        return sorted(self.rows(RelayOutboxRow, charge_box_id=station, state="queued"), key=lambda r: r.id)

    def outbox(self, station: str) -> list[RelayOutboxRow]:
        return sorted(self.rows(RelayOutboxRow, charge_box_id=station), key=lambda r: r.id)

    def ids(self, station: str) -> list[RelayIdRow]:
        return self.rows(RelayIdRow, charge_box_id=station, kind="transaction")

    def link_row(self, station: str) -> RelayLinkRow | None:
        found = self.rows(RelayLinkRow, charge_box_id=station)
        return found[0] if found else None

    def transaction(self, transaction_id: int) -> orm.TransactionRow | None:
        found = self.rows(orm.TransactionRow, transaction_id=transaction_id)
        return found[0] if found else None

    def add_tags(self, *tags: str) -> None:
        with self.gateway.uow_factory() as uow:
            for tag in tags:
                uow.id_tags.add(IdTag(tag, AuthorizationStatus.ACCEPTED))
            uow.commit()

    def wait_connected(self, station: str, timeout: float = 15) -> None:
        eventually(lambda: self.office.connected(station), f"{station}'s socket at the back office", timeout)

"""The station simulator against the real central system, over loopback HTTP, for OCPP 1.2 and 1.5.

Every charge-point operation goes through the gateway's bus to a simulated station, which answers as a charger
would and reacts with the notifications a charger sends; the outcome is read back from the gateway's database
and command log. Intervals are short and every wait polls with a deadline.
"""

from __future__ import annotations

import argparse
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

import pytest
import requests
from lxml import etree
from sqlalchemy import select
from sqlalchemy.orm import Session

from ocpp_soap.config import Settings
from ocpp_soap.domain import model as m
from ocpp_soap.domain import station_requests as sr
from ocpp_soap.domain.model import AuthorizationStatus, IdTag
from ocpp_soap.operations import to_wire as wire
from ocpp_soap.persistence import orm
from ocpp_soap.simulator.cli import add_simulate_command, run_simulate, station_ids
from ocpp_soap.simulator.runner import Simulation
from ocpp_soap.simulator.server import BackgroundServer
from ocpp_soap.simulator.sessions import SessionPlan
from ocpp_soap.simulator.station import Timing
from ocpp_soap.wsgi import GatewayApp, create_app
from tests.helpers import envelope, post

CS_PATH = {"1.5": "/services/centralSystemServiceOcpp15", "1.2": "/services/centralSystemServiceOcpp12"}
CP_NS = {"1.5": "urn://Ocpp/Cp/2012/06/", "1.2": "urn://Ocpp/Cp/2010/08/"}
PROTOCOL = {"1.5": "ocpp1.5-soap", "1.2": "ocpp1.2-soap"}
FAST = Timing(
    meter_interval=0.2, energy_speedup=3600, retry_interval=0.2,
    diagnostics_upload=0.05, firmware_download=0.05, firmware_install=0.05,
)
CB = "SIM1"
T = TypeVar("T")


class Central:
    """The gateway as deployed: create_app around a temporary SQLite file, on a loopback port, auto-accepting.

    Served like conftest's LiveServer, by the simulator's BackgroundServer, whose 50 ms shutdown poll (instead of
    socketserver's 500 ms) keeps this file's thirty teardowns short.
    """

    def __init__(self, tmp_path: Path) -> None:
        self._late = _LateApp()
        self.server = BackgroundServer(self._late, "127.0.0.1", 0)
        self.url = f"http://127.0.0.1:{self.server.port}"
        settings = Settings(
            database_url=f"sqlite:///{tmp_path / 'central.sqlite3'}", auto_accept=True, public_url=self.url,
            heartbeat_interval=1, command_timeout=5,
        )
        self.app: GatewayApp = create_app(settings)
        self._late.app = self.app
        self.gateway = self.app.gateway
        self.server.start()

    def stop(self) -> None:
        self.server.stop()
        self.gateway.engine.dispose()

    def rows(self, model: type[T], **where: Any) -> list[T]:
        with Session(self.gateway.engine) as session:
            return list(session.scalars(select(model).filter_by(**where)))

    def station(self, charge_box_id: str = CB) -> orm.StationRow | None:
        with Session(self.gateway.engine) as session:
            return session.get(orm.StationRow, charge_box_id)

    def add_tags(self, *tags: str) -> None:
        with self.gateway.uow_factory() as uow:
            for tag in tags:
                uow.id_tags.add(IdTag(tag, AuthorizationStatus.ACCEPTED))
            uow.commit()

    def command(self, command: sr.StationRequest, status: str | None = None) -> sr.StationCallResult:
        """Send through the bus; the station answered (with ``status``) and the command log says so."""
        result = self.gateway.bus.handle(command)
        assert result.answered, result
        if status is not None:
            assert result.status == status, result
        (logged,) = self.rows(orm.CommandLogRow, id=result.log_id)
        assert (logged.operation, logged.outcome, logged.charge_box_id) == (command.operation, "answered", command.charge_box_id)
        assert logged.answer.get("status") == wire(result.answer).get("status")
        return result

    def open_transaction(self, connector_id: int, charge_box_id: str = CB) -> orm.TransactionRow | None:
        found = self.rows(orm.TransactionRow, charge_box_id=charge_box_id, connector_id=connector_id, stopped_at=None)
        return found[-1] if found else None

    def connector_status(self, connector_id: int, charge_box_id: str = CB) -> str | None:
        found = self.rows(orm.ConnectorRow, charge_box_id=charge_box_id, connector_id=connector_id)
        return found[0].status if found else None

    def status_history(self, connector_id: int, charge_box_id: str = CB) -> list[str]:
        found = self.rows(orm.ConnectorStatusRow, charge_box_id=charge_box_id, connector_id=connector_id)
        return [row.status for row in sorted(found, key=lambda r: r.id)]


class _LateApp:
    """Lets the server take its port before the app, which needs its URL, exists."""

    app: GatewayApp | None = None

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        assert self.app is not None
        return self.app(environ, start_response)


def eventually(probe: Callable[[], T | None], what: str, timeout: float = 10.0) -> T:
    """Poll ``probe`` until it returns something truthy, or fail naming ``what``."""
    deadline = time.monotonic() + timeout
    while True:
        value = probe()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout:g}s waiting for {what}")
        time.sleep(0.02)


@pytest.fixture
def central(tmp_path: Path) -> Iterator[Central]:
    gateway = Central(tmp_path)
    yield gateway
    gateway.stop()


@pytest.fixture(params=["1.5", "1.2"])
def version(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def simulation(central: Central, version: str) -> Iterator[Simulation]:
    central.add_tags("TAG1", "TAG2", "TAG3")
    with Simulation(version, [CB], central.url + CS_PATH[version], timing=FAST, timeout=5) as sim:
        assert sim.wait_until_accepted(10)
        eventually(lambda: central.connector_status(2) == "Available", "the boot's StatusNotifications")
        yield sim


def start_charging(central: Central, connector_id: int, tag: str = "TAG1") -> orm.TransactionRow:
    central.command(sr.RequestRemoteStart(CB, id_tag=tag, connector_id=connector_id), "Accepted")
    return eventually(lambda: central.open_transaction(connector_id), f"a transaction on connector {connector_id}")


# -- boot ----------------------------------------------------------------------------------------------------


def test_boot_binds_the_station_to_its_version_and_address(central: Central, simulation: Simulation, version: str):
    row = central.station()
    assert row is not None
    assert (row.protocol, row.registration_status, row.boot_count) == (PROTOCOL[version], "Accepted", 1)
    assert row.endpoint_address == simulation.url(CB) == f"{simulation.base_url}/ChargePointService/{CB}"
    assert (row.charge_point_vendor, row.charge_point_model) == ("ocpp-soap", "Simulator")
    assert [central.connector_status(n) for n in (0, 1, 2)] == ["Available"] * 3
    first_seen = row.last_seen_at
    assert first_seen is not None
    eventually(lambda: (r := central.station()) is not None and (r.last_seen_at or first_seen) > first_seen,
               "a heartbeat", 5)


# -- transactions --------------------------------------------------------------------------------------------


def test_remote_start_and_stop(central: Central, simulation: Simulation, version: str):
    tx = start_charging(central, 1)
    assert (tx.id_tag, tx.start_status, tx.reservation_id) == ("TAG1", "Accepted", None)
    assert "Occupied" in central.status_history(1)

    def samples() -> list[orm.MeterValueRow]:
        found = central.rows(orm.MeterValueRow, charge_box_id=CB, connector_id=1, source="MeterValues")
        return [v for v in found if v.measurand in (None, "Energy.Active.Import.Register")]

    readings = eventually(lambda: found if len(found := samples()) >= 2 else None, "two periodic meter readings")
    if version == "1.5":  # 1.2 MeterValues carry no transactionId
        assert {v.transaction_id for v in readings} == {tx.transaction_id}
        assert {v.unit for v in readings} == {"Wh"}
        powers = central.rows(orm.MeterValueRow, charge_box_id=CB, measurand="Power.Active.Import")
        assert powers and powers[0].unit == "W" and float(powers[0].value) > 0
    values = [int(v.value) for v in sorted(readings, key=lambda v: v.id)]
    assert values == sorted(values) and values[-1] > tx.meter_start  # the meter rises while charging

    central.command(sr.RequestRemoteStart(CB, id_tag="TAG2", connector_id=1), "Rejected")  # occupied
    central.command(sr.RequestRemoteStop(CB, transaction_id=tx.transaction_id), "Accepted")
    (stopped,) = eventually(
        lambda: [t for t in central.rows(orm.TransactionRow, transaction_id=tx.transaction_id) if t.stopped_at],
        "the StopTransaction",
    )
    assert (stopped.meter_stop or 0) > stopped.meter_start
    eventually(lambda: central.connector_status(1) == "Available", "connector 1 Available again")
    if version == "1.5":
        data = central.rows(orm.MeterValueRow, transaction_id=tx.transaction_id, source="StopTransaction")
        assert sorted(str(v.context) for v in data) == ["Transaction.Begin", "Transaction.End"]
        assert {int(v.value) for v in data} == {stopped.meter_start, stopped.meter_stop}


def test_remote_start_picks_a_free_connector(central: Central, simulation: Simulation):
    start_charging(central, 1)
    central.command(sr.RequestRemoteStart(CB, id_tag="TAG2"), "Accepted")
    eventually(lambda: central.open_transaction(2), "a transaction on connector 2")
    central.command(sr.RequestRemoteStart(CB, id_tag="TAG3"), "Rejected")  # both connectors are busy


def test_unlock_ends_the_session(central: Central, simulation: Simulation):
    tx = start_charging(central, 2)
    central.command(sr.RequestUnlockConnector(CB, connector_id=2), "Accepted")
    eventually(lambda: not central.open_transaction(2), "the transaction closed by the unlock")
    (closed,) = central.rows(orm.TransactionRow, transaction_id=tx.transaction_id)
    assert closed.meter_stop is not None and closed.meter_stop >= closed.meter_start
    central.command(sr.RequestUnlockConnector(CB, connector_id=7), "Rejected")  # no such connector


def test_reset_stops_transactions_and_boots_again(central: Central, simulation: Simulation):
    tx = start_charging(central, 1)
    central.command(sr.RequestReset(CB, type=sr.ResetType.HARD), "Accepted")
    eventually(lambda: (row := central.station()) is not None and row.boot_count == 2, "the second boot")
    (closed,) = central.rows(orm.TransactionRow, transaction_id=tx.transaction_id)
    assert closed.stopped_at is not None and closed.meter_stop is not None
    eventually(lambda: central.connector_status(1) == "Available", "the statuses after the boot")
    assert simulation.stations[CB].accepted
    central.command(sr.RequestReset(CB, type=sr.ResetType.SOFT), "Accepted")
    eventually(lambda: (row := central.station()) is not None and row.boot_count == 3, "the third boot")


# -- availability, configuration, cache --------------------------------------------------------------------------


def test_change_availability(central: Central, simulation: Simulation):
    central.command(sr.RequestChangeAvailability(CB, connector_id=2, type=sr.AvailabilityType.INOPERATIVE), "Accepted")
    eventually(lambda: central.connector_status(2) == "Unavailable", "connector 2 Unavailable")
    assert central.status_history(2)[-2:] == ["Available", "Unavailable"]
    central.command(sr.RequestRemoteStart(CB, id_tag="TAG1", connector_id=2), "Rejected")
    central.command(sr.RequestChangeAvailability(CB, connector_id=2, type=sr.AvailabilityType.OPERATIVE), "Accepted")
    eventually(lambda: central.connector_status(2) == "Available", "connector 2 Available again")

    tx = start_charging(central, 1)  # a running session makes the change Scheduled, done when it ends
    central.command(sr.RequestChangeAvailability(CB, connector_id=1, type=sr.AvailabilityType.INOPERATIVE), "Scheduled")
    assert central.connector_status(1) == "Occupied"
    central.command(sr.RequestRemoteStop(CB, transaction_id=tx.transaction_id), "Accepted")
    eventually(lambda: central.connector_status(1) == "Unavailable", "connector 1 Unavailable after its session")

    central.command(sr.RequestChangeAvailability(CB, connector_id=0, type=sr.AvailabilityType.INOPERATIVE), "Accepted")
    eventually(lambda: [central.connector_status(n) for n in (0, 1, 2)] == ["Unavailable"] * 3,
               "the whole station Unavailable")


def test_change_configuration(central: Central, simulation: Simulation):
    central.command(sr.RequestChangeConfiguration(CB, key="HeartbeatInterval", value="5"), "Accepted")
    central.command(sr.RequestChangeConfiguration(CB, key="NumberOfConnectors", value="4"), "Rejected")  # readonly
    central.command(sr.RequestChangeConfiguration(CB, key="MeterValueSampleInterval", value="soon"), "Rejected")
    central.command(sr.RequestChangeConfiguration(CB, key="NoSuchKey", value="1"), "NotSupported")
    stored = {row.key: row.value for row in central.rows(orm.StationConfigurationRow, charge_box_id=CB)}
    assert stored == {"HeartbeatInterval": "5"}  # the gateway's copy follows the Accepted change only


@pytest.mark.parametrize("version", ["1.5"])  # GetConfiguration is 1.5 only
def test_get_configuration(central: Central, simulation: Simulation):
    central.command(sr.RequestChangeConfiguration(CB, key="ConnectionTimeOut", value="30"), "Accepted")
    keys = ("HeartbeatInterval", "NumberOfConnectors", "ConnectionTimeOut", "Nope")
    result = central.command(sr.RequestGetConfiguration(CB, keys=keys))
    assert wire(result.answer)["unknownKey"] == ["Nope"]
    assert result.remarks == sr.ConfigurationStored(stored_keys=3, unknown_keys=("Nope",))
    stored = {row.key: (row.value, row.readonly) for row in central.rows(orm.StationConfigurationRow, charge_box_id=CB)}
    assert stored == {
        "HeartbeatInterval": ("1", False),  # what the central system's boot answer set
        "NumberOfConnectors": ("2", True),
        "ConnectionTimeOut": ("30", False),
    }
    everything = central.command(sr.RequestGetConfiguration(CB))
    assert {"LocalAuthorizeOffline", "MeterValueSampleInterval"} <= {k["key"] for k in wire(everything.answer)["configurationKey"]}


def test_clear_cache(central: Central, simulation: Simulation):
    central.command(sr.RequestClearCache(CB), "Accepted")


# -- 1.5: local list, reservations, DataTransfer --------------------------------------------------------------


@pytest.mark.parametrize("version", ["1.5"])
def test_local_list(central: Central, simulation: Simulation):
    full = central.command(sr.RequestSendLocalList(CB, m.UpdateType.FULL, (
        m.LocalListEntry("A1", AuthorizationStatus.ACCEPTED),
        m.LocalListEntry("B2", AuthorizationStatus.BLOCKED),
    )), "Accepted")
    assert full.sent.list_version == 1  # the gateway added it
    assert central.command(sr.RequestGetLocalListVersion(CB)).remarks == sr.LocalListVersionCheck(
        stored_list_version=1, list_version_matches=True,
    )
    central.command(
        sr.RequestSendLocalList(CB, m.UpdateType.DIFFERENTIAL, (m.LocalListEntry("A1"),), list_version=1),
        "VersionMismatch",
    )
    central.command(sr.RequestSendLocalList(CB, m.UpdateType.DIFFERENTIAL, (m.LocalListEntry("A1"),)), "Accepted")
    check = central.command(sr.RequestGetLocalListVersion(CB))
    assert check.answer == sr.GetLocalListVersionAnswer(list_version=2) and check.remarks.list_version_matches is True
    (stored,) = central.rows(orm.LocalListRow, charge_box_id=CB)
    assert stored.version == 2 and [e["idTag"] for e in stored.entries] == ["B2"]


@pytest.mark.parametrize("version", ["1.5"])
def test_reservations(central: Central, simulation: Simulation):
    later = datetime.now(UTC) + timedelta(hours=1)
    reserved = central.command(sr.RequestReserveNow(CB, connector_id=1, expiry_date=later, id_tag="TAG1"), "Accepted")
    reservation_id = reserved.sent.reservation_id
    eventually(lambda: central.connector_status(1) == "Reserved", "connector 1 Reserved")
    central.command(sr.RequestRemoteStart(CB, id_tag="TAG2", connector_id=1), "Rejected")  # reserved for another
    central.command(sr.RequestRemoteStart(CB, id_tag="TAG1"), "Accepted")  # finds its reservation
    tx = eventually(lambda: central.open_transaction(1), "the reserved transaction")
    assert tx.reservation_id == reservation_id
    eventually(lambda: central.rows(orm.ReservationRow, reservation_id=reservation_id)[0].state == "Used", "Used")

    occupied = central.command(sr.RequestReserveNow(CB, connector_id=1, expiry_date=later, id_tag="TAG3"), "Occupied")
    assert central.rows(orm.ReservationRow, reservation_id=occupied.sent.reservation_id)[0].state == "Occupied"

    second = central.command(sr.RequestReserveNow(CB, connector_id=2, expiry_date=later, id_tag="TAG3"), "Accepted")
    eventually(lambda: central.connector_status(2) == "Reserved", "connector 2 Reserved")
    central.command(sr.RequestCancelReservation(CB, reservation_id=second.sent.reservation_id), "Accepted")
    assert central.rows(orm.ReservationRow, reservation_id=second.sent.reservation_id)[0].state == "Cancelled"
    eventually(lambda: central.connector_status(2) == "Available", "connector 2 Available after the cancel")

    soon = datetime.now(UTC) + timedelta(seconds=0.6)
    central.command(sr.RequestReserveNow(CB, connector_id=2, expiry_date=soon, id_tag="TAG3"), "Accepted")
    eventually(lambda: central.connector_status(2) == "Reserved", "connector 2 Reserved briefly")
    eventually(lambda: central.connector_status(2) == "Available", "the reservation expired")


@pytest.mark.parametrize("version", ["1.5"])
def test_data_transfer(central: Central, simulation: Simulation):
    echo = central.command(sr.RequestDataTransfer(CB, vendor_id="ocpp-soap", message_id="echo", data="ping"), "Accepted")
    assert wire(echo.answer) == {"status": "Accepted", "data": "ping"}
    central.command(sr.RequestDataTransfer(CB, vendor_id="ocpp-soap", message_id="other"), "UnknownMessageId")
    central.command(sr.RequestDataTransfer(CB, vendor_id="com.example"), "UnknownVendorId")


# -- diagnostics and firmware --------------------------------------------------------------------------------


def test_diagnostics_and_firmware(central: Central, simulation: Simulation):
    diagnostics = central.command(sr.RequestGetDiagnostics(CB, location="ftp://diag.example.net/upload/"))
    assert wire(diagnostics.answer)["fileName"].startswith(f"diagnostics-{CB}-")
    eventually(lambda: (row := central.station()) is not None and row.diagnostics_status == "Uploaded", "Uploaded")
    central.command(sr.RequestUpdateFirmware(
        CB, location="http://fw.example.net/station-2.0.bin", retrieve_date=datetime.now(UTC)
    ))
    eventually(lambda: (row := central.station()) is not None and row.firmware_status == "Installed", "Installed")


# -- the simulator's own SOAP edge -----------------------------------------------------------------------------


def test_unknown_or_mismatched_station_gets_a_sender_fault(simulation: Simulation, version: str):
    body = "<cs:clearCacheRequest/>"
    unknown = post(simulation.url("NOPE"), envelope(body, charge_box="NOPE", ns=CP_NS[version]))
    assert unknown.status == 400 and unknown.fault_code.endswith("Sender")
    assert "NOPE" in unknown.fault_reason
    mismatch = post(simulation.url(CB), envelope(body, charge_box="OTHER", ns=CP_NS[version]))
    assert mismatch.status == 400 and "OTHER" in mismatch.fault_reason
    by_header = post(simulation.base_url + "/ChargePointService", envelope(body, charge_box=CB, ns=CP_NS[version]))
    assert by_header.status == 200, by_header.text


def test_wsdl_names_the_station_url(simulation: Simulation, version: str):
    response = requests.get(simulation.url(CB) + "?wsdl", timeout=5)
    assert response.status_code == 200
    wsdl = etree.fromstring(response.content)
    assert wsdl.get("targetNamespace") == CP_NS[version]
    assert wsdl.xpath("//*[local-name()='address']/@location") == [simulation.url(CB)]
    assert requests.get(simulation.url("NOPE") + "?wsdl", timeout=5).status_code == 404


# -- other URLs, many stations, the command line ------------------------------------------------------------------


def test_1_2_station_through_the_shared_url(central: Central):
    central.add_tags("TAG1")
    with Simulation("1.2", ["SHARED12"], central.url + "/services/CentralSystemService", timing=FAST) as sim:
        assert sim.wait_until_accepted(10)
        row = central.station("SHARED12")
        assert row is not None and row.protocol == "ocpp1.2-soap" and row.endpoint_address == sim.url("SHARED12")
        central.command(sr.RequestRemoteStart("SHARED12", id_tag="TAG1", connector_id=1), "Accepted")
        eventually(lambda: central.open_transaction(1, "SHARED12"), "the 1.2 transaction")


def test_twenty_stations_each_charge(central: Central, version: str):
    ids = [f"LOAD-{n:02d}" for n in range(1, 21)]
    tags = tuple(f"LT-{n:02d}" for n in range(1, 21))
    central.add_tags(*tags)
    plan = SessionPlan(duration=0.6, pause=60, id_tags=tags, first_within=0.3)
    with Simulation(version, ids, central.url + CS_PATH[version], timing=FAST, sessions=plan, seed=4) as sim:
        assert sim.wait_until_accepted(15)

        def closed() -> list[orm.TransactionRow]:
            rows = [t for t in central.rows(orm.TransactionRow) if t.stopped_at is not None]
            return rows if len(rows) >= len(ids) else []

        done = eventually(closed, "a finished session on every station", 20)
    assert sorted(t.charge_box_id for t in done) == ids
    assert all(t.start_status == "Accepted" and (t.meter_stop or 0) > t.meter_start for t in done)
    assert {row.charge_box_id for row in central.rows(orm.StationRow) if row.boot_count == 1} == set(ids)
    assert sim.counts()["transactions-stopped"] == len(ids)


def test_command_line(central: Central, capsys: pytest.CaptureFixture[str]):
    parser = argparse.ArgumentParser(prog="ocpp-soap")
    add_simulate_command(parser.add_subparsers(dest="command"))
    args = parser.parse_args([
        "simulate", "--version", "1.5", "--id", "CLI", "--count", "3", "--central",
        central.url + CS_PATH["1.5"], "--listen", "127.0.0.1:0", "--duration", "30",
    ])
    stop = threading.Event()
    runner = threading.Thread(target=lambda: run_simulate(args, stop))
    runner.start()
    try:
        eventually(lambda: len(central.rows(orm.StationRow)) == 3, "three CLI stations booted")
    finally:
        stop.set()
        runner.join(15)
    assert not runner.is_alive()
    assert sorted(row.charge_box_id for row in central.rows(orm.StationRow)) == ["CLI-1", "CLI-2", "CLI-3"]
    out = capsys.readouterr().out
    assert "simulating 3 OCPP 1.5 station(s)" in out and "stopped: 3/3 accepted" in out
    assert station_ids(["X"], 12)[0] == "X-01"

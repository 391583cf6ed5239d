"""Operator commands reach stations as the official charge-point schema says, with the right headers, and every
way a station can fail becomes a distinct result. The station is a fake that validates what it receives."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from lxml import etree
from sqlalchemy import select
from sqlalchemy.orm import Session

from ocpp_soap.bootstrap import Gateway, bootstrap
from ocpp_soap.config import Settings
from ocpp_soap.domain import model as m
from ocpp_soap.domain import station_requests as sr
from ocpp_soap.domain.errors import FieldNotSupported, NotWhileNotAccepted, OperationNotSupported
from ocpp_soap.domain.model import AuthorizationStatus, Protocol, RegistrationStatus, Station, Transaction
from ocpp_soap.operations import to_wire as wire
from ocpp_soap.persistence.orm import CommandLogRow
from tests.conftest import free_port, official_wsdl
from tests.e2e.fake_station import FakeStation, official_schema

CP = {"1.6": "urn://Ocpp/Cp/2015/10/", "1.5": "urn://Ocpp/Cp/2012/06/", "1.2": "urn://Ocpp/Cp/2010/08/"}
PROTOCOL = {"1.6": Protocol.OCPP16_SOAP, "1.5": Protocol.OCPP15_SOAP, "1.2": Protocol.OCPP12_SOAP}
CS_PATH = {number: f"/services/centralSystemServiceOcpp{number.replace('.', '')}" for number in CP}
PUBLIC = "https://cs.example.net"
LATER = datetime.now(UTC) + timedelta(hours=2)


@pytest.fixture
def gateway(tmp_path: Path) -> Iterator[Gateway]:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'cmd.sqlite3'}", public_url=PUBLIC, command_timeout=2)
    gw = bootstrap(settings)
    yield gw
    gw.engine.dispose()


def station(
    gateway: Gateway, version: str, address: str, charge_box_id: str = "CB",
    status: RegistrationStatus = RegistrationStatus.ACCEPTED,
) -> str:
    with gateway.uow_factory() as uow:
        uow.stations.add(Station(charge_box_id, status, protocol=PROTOCOL[version], endpoint_address=address))
        uow.commit()
    return charge_box_id


@pytest.fixture(params=["1.6", "1.5", "1.2"])
def version(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def fake(version: str) -> Iterator[FakeStation]:
    schema = official_schema(official_wsdl(f"ocpp{version.replace('.', '')}_chargepoint.wsdl"))
    station_ = FakeStation(CP[version], schema)
    yield station_
    station_.stop()


def commands_for(version: str, cb: str, transaction_id: int) -> list[sr.StationRequest]:
    common: list[sr.StationRequest] = [
        sr.RequestRemoteStart(cb, id_tag="TAG1", connector_id=1),
        sr.RequestRemoteStart(cb, id_tag="TAG2"),
        sr.RequestRemoteStop(cb, transaction_id=transaction_id),
        sr.RequestReset(cb, type=sr.ResetType.HARD),
        sr.RequestUnlockConnector(cb, connector_id=1),
        sr.RequestChangeAvailability(cb, connector_id=0, type=sr.AvailabilityType.INOPERATIVE),
        sr.RequestChangeConfiguration(cb, key="HeartbeatInterval", value="300"),
        sr.RequestClearCache(cb),
        sr.RequestGetDiagnostics(cb, location="ftp://diag.example.net/up", start_time=LATER - timedelta(days=1),
                                 stop_time=LATER, retries=3, retry_interval=60),
        sr.RequestUpdateFirmware(cb, location="http://fw.example.net/fw.bin", retrieve_date=LATER, retries=2,
                                 retry_interval=30),
    ]
    if version == "1.2":
        return common
    return common + [
        sr.RequestGetConfiguration(cb, keys=("HeartbeatInterval", "Nope")),
        sr.RequestGetConfiguration(cb),
        sr.RequestSendLocalList(cb, m.UpdateType.FULL, (
            m.LocalListEntry("A1", AuthorizationStatus.ACCEPTED, LATER, "PARENT"),
            m.LocalListEntry("B2", AuthorizationStatus.BLOCKED),
        ), hash="abc" if version == "1.5" else None),  # 1.6 has no hash
        sr.RequestSendLocalList(cb, m.UpdateType.DIFFERENTIAL, (m.LocalListEntry("A1"),)),
        sr.RequestGetLocalListVersion(cb),
        sr.RequestReserveNow(cb, connector_id=1, expiry_date=LATER, id_tag="TAG1", parent_id_tag="PARENT"),
        sr.RequestDataTransfer(cb, vendor_id="com.example", message_id="ping", data="hello"),
    ] + (smart_charging(cb) if version == "1.6" else [])


def smart_charging(cb: str) -> list[sr.StationRequest]:
    """1.6's own operations: a station-wide limit, a clear, a composite schedule and a trigger."""
    profile = m.ChargingProfile(
        charging_profile_id=7, stack_level=0, purpose=m.ChargingProfilePurpose.CHARGE_POINT_MAX_PROFILE,
        kind=m.ChargingProfileKind.ABSOLUTE,
        schedule=m.ChargingSchedule(
            m.ChargingRateUnit.A,
            (m.ChargingSchedulePeriod(0, Decimal("32")), m.ChargingSchedulePeriod(3600, Decimal("16.5"), 1)),
            duration=86400, start_schedule=LATER,
        ),
    )
    return [
        sr.RequestSetChargingProfile(cb, connector_id=0, profile=profile),
        sr.RequestGetCompositeSchedule(cb, connector_id=0, duration=3600, charging_rate_unit=m.ChargingRateUnit.W),
        sr.RequestClearChargingProfile(cb, id=7),
        sr.RequestTriggerMessage(cb, requested_message=sr.MessageTrigger.STATUS_NOTIFICATION, connector_id=1),
    ]


def test_every_operation_reaches_the_station_valid_with_headers(gateway: Gateway, fake: FakeStation, version: str) -> None:
    cb = station(gateway, version, fake.url)
    with gateway.uow_factory() as uow:
        tx = uow.transactions.add(Transaction(cb, 1, "TAG1", datetime.now(UTC), 0, AuthorizationStatus.ACCEPTED))
        uow.commit()
    sent = commands_for(version, cb, tx)
    for command in sent:
        result = gateway.bus.handle(command)
        assert result.answered, (command, result)
    if version != "1.2":
        reservation = gateway.bus.handle(
            sr.RequestReserveNow(cb, connector_id=2, expiry_date=LATER, id_tag="TAG2")
        ).sent.reservation_id
        assert gateway.bus.handle(sr.RequestCancelReservation(cb, reservation_id=reservation)).answered
    received = {r.operation for r in fake.received}
    assert received == {c.operation for c in sent} | ({"ReserveNow", "CancelReservation"} if version != "1.2" else set())
    # Every operation of the version that has a request type (1.6's smart-charging and TriggerMessage requests
    # come with the smart-charging work and join this list then).
    assert received == PROTOCOL[version].operator_operations & set(sr.REQUEST_TYPES)
    message_ids = set()
    for received in fake.received:
        assert received.schema_errors == [], (received.operation, received.schema_errors)
        assert received.headers["chargeBoxIdentity"] == cb
        assert received.headers["Action"] == f"/{received.operation}"
        assert received.headers["To"] == fake.url
        assert received.headers["From"] == received.headers["ReplyTo"] == PUBLIC + CS_PATH[version]
        message_ids.add(received.headers["MessageID"])
    assert len(message_ids) == len(fake.received)
    with Session(gateway.engine) as session:
        log = session.scalars(select(CommandLogRow).order_by(CommandLogRow.id)).all()
    assert len(log) == len(fake.received)
    assert all(row.outcome == "answered" and row.duration_ms > 0 for row in log)


@pytest.mark.parametrize("version", ["1.5", "1.6"])  # GetConfiguration, DataTransfer, GetLocalListVersion: not 1.2
def test_answers_come_back_with_their_fields(gateway: Gateway, fake: FakeStation, version: str) -> None:
    cb = station(gateway, version, fake.url)
    config = gateway.bus.handle(sr.RequestGetConfiguration(cb, keys=("HeartbeatInterval", "Nope")))
    assert wire(config.answer)["configurationKey"] == [{"key": "HeartbeatInterval", "readonly": False, "value": "900"}]
    assert wire(config.answer)["unknownKey"] == ["Nope"]
    assert wire(gateway.bus.handle(sr.RequestDataTransfer(cb, vendor_id="v")).answer) == {"status": "Accepted", "data": "pong"}
    assert wire(gateway.bus.handle(sr.RequestGetLocalListVersion(cb)).answer) == {"listVersion": 0}
    assert wire(gateway.bus.handle(sr.RequestGetDiagnostics(cb, location="ftp://x/")).answer) == {"fileName": "diag-2026.zip"}
    assert wire(gateway.bus.handle(sr.RequestUpdateFirmware(cb, location="http://x/", retrieve_date=LATER)).answer) == {}


@pytest.mark.parametrize("version", ["1.6"])
def test_16_requests_in_16_order_and_names_and_16_answers(gateway: Gateway, fake: FakeStation, version: str) -> None:
    """What moved in 1.6: RemoteStart's connectorId before idTag, SendLocalList's localAuthorizationList of
    AuthorizationData with updateType last and no hash; answers with 1.6's values come back typed."""
    cb = station(gateway, version, fake.url)
    ns = CP[version]
    fake.answer = lambda operation, body: {
        "ChangeConfiguration": "<cp:status>RebootRequired</cp:status>",
        "UnlockConnector": "<cp:status>UnlockFailed</cp:status>",
    }.get(operation)

    assert gateway.bus.handle(sr.RequestRemoteStart(cb, id_tag="TAG1", connector_id=2)).answered
    gateway.bus.handle(sr.RequestSendLocalList(cb, m.UpdateType.DIFFERENTIAL, (
        m.LocalListEntry("A1", AuthorizationStatus.ACCEPTED, LATER, "PARENT"), m.LocalListEntry("B2"),
    ), list_version=5))
    start, local_list = fake.received
    assert [etree.QName(child).localname for child in start.body] == ["connectorId", "idTag"]
    assert [etree.QName(child).localname for child in local_list.body] == [
        "listVersion", "localAuthorizationList", "localAuthorizationList", "updateType",
    ]
    assert local_list.body.findtext(f"{{{ns}}}localAuthorizationList/{{{ns}}}idTagInfo/{{{ns}}}parentIdTag") == "PARENT"
    assert (start.schema_errors, local_list.schema_errors) == ([], [])

    change = gateway.bus.handle(sr.RequestChangeConfiguration(cb, key="HeartbeatInterval", value="300"))
    assert change.answer == sr.ChangeConfigurationAnswer(sr.ConfigurationStatus.REBOOT_REQUIRED)
    unlock = gateway.bus.handle(sr.RequestUnlockConnector(cb, connector_id=1))
    assert unlock.answer == sr.UnlockConnectorAnswer(sr.UnlockStatus.UNLOCK_FAILED)

    sent = len(fake.received)
    with pytest.raises(FieldNotSupported, match="hash"):
        gateway.bus.handle(sr.RequestSendLocalList(cb, m.UpdateType.FULL, (), hash="abc"))
    assert len(fake.received) == sent  # refused before anything was sent


@pytest.mark.parametrize("version", ["1.6"])
def test_a_pending_16_station_can_be_configured_but_not_started_or_stopped(
    gateway: Gateway, fake: FakeStation, version: str
) -> None:
    """OCPP 1.6 §4.2: while Pending the central system may configure the station, but not start or stop a
    transaction remotely; those are refused before anything is sent."""
    cb = station(gateway, version, fake.url, status=RegistrationStatus.PENDING)
    with gateway.uow_factory() as uow:
        tx = uow.transactions.add(Transaction(cb, 1, "TAG1", datetime.now(UTC), 0, AuthorizationStatus.ACCEPTED))
        uow.commit()
    for allowed in (
        sr.RequestGetConfiguration(cb, keys=("HeartbeatInterval",)),
        sr.RequestChangeConfiguration(cb, key="MeterValueSampleInterval", value="60"),
        sr.RequestGetLocalListVersion(cb),
        sr.RequestReset(cb, type=sr.ResetType.SOFT),
    ):
        assert gateway.bus.handle(allowed).answered
    for forbidden in (sr.RequestRemoteStart(cb, id_tag="TAG1", connector_id=1), sr.RequestRemoteStop(cb, transaction_id=tx)):
        with pytest.raises(NotWhileNotAccepted, match="Pending") as refused:
            gateway.bus.handle(forbidden)
        assert refused.value.operation == forbidden.operation
    assert [r.operation for r in fake.received] == ["GetConfiguration", "ChangeConfiguration", "GetLocalListVersion", "Reset"]
    assert all(r.schema_errors == [] for r in fake.received)


@pytest.mark.parametrize("version", ["1.5", "1.2"])
def test_versions_without_pending_send_remote_starts_to_a_pending_station_as_before(
    gateway: Gateway, fake: FakeStation, version: str
) -> None:
    cb = station(gateway, version, fake.url, status=RegistrationStatus.PENDING)
    assert gateway.bus.handle(sr.RequestRemoteStart(cb, id_tag="TAG1", connector_id=1)).answered


def test_1_2_station_is_refused_1_5_operations(gateway: Gateway) -> None:
    cb = station(gateway, "1.2", "http://127.0.0.1:9/ChargePointService")
    for command in (sr.RequestGetConfiguration(cb), sr.RequestDataTransfer(cb, vendor_id="v"),
                    sr.RequestGetLocalListVersion(cb)):
        with pytest.raises(OperationNotSupported, match="1.2"):
            gateway.bus.handle(command)


@pytest.mark.parametrize("mode", ["sloppy", "soap11"])
def test_sloppy_answers_are_accepted(gateway: Gateway, fake: FakeStation, version: str, mode: str) -> None:
    fake.mode = mode
    cb = station(gateway, version, fake.url)
    result = gateway.bus.handle(sr.RequestReset(cb, type=sr.ResetType.SOFT))
    assert result.answered and wire(result.answer) == {"status": "Accepted"}


def test_fault_is_a_result(gateway: Gateway, fake: FakeStation, version: str) -> None:
    fake.mode = "fault"
    cb = station(gateway, version, fake.url)
    result = gateway.bus.handle(sr.RequestUnlockConnector(cb, connector_id=1))
    assert result.outcome is sr.CallOutcome.FAULT and "connector is broken" in (result.error or "")


def test_http_error_without_soap_is_a_bad_answer(gateway: Gateway, fake: FakeStation, version: str) -> None:
    fake.mode = "http500"
    cb = station(gateway, version, fake.url)
    result = gateway.bus.handle(sr.RequestClearCache(cb))
    assert result.outcome is sr.CallOutcome.BAD_ANSWER


def test_slow_station_times_out(gateway: Gateway, fake: FakeStation, version: str) -> None:
    fake.delay = 4  # the gateway waits 2 s
    cb = station(gateway, version, fake.url)
    result = gateway.bus.handle(sr.RequestReset(cb, type=sr.ResetType.SOFT))
    assert result.outcome is sr.CallOutcome.TIMEOUT
    assert 1.9 < result.duration_ms / 1000 < 3.5


def test_unreachable_station_fails_fast(gateway: Gateway, version: str) -> None:
    cb = station(gateway, version, f"http://127.0.0.1:{free_port()}/ChargePointService")
    result = gateway.bus.handle(sr.RequestReset(cb, type=sr.ResetType.SOFT))
    assert result.outcome is sr.CallOutcome.UNREACHABLE
    assert "refused" in (result.error or "")
    assert result.duration_ms < 1000


def test_station_without_address(gateway: Gateway, version: str) -> None:
    with gateway.uow_factory() as uow:
        uow.stations.add(Station("MUTE", RegistrationStatus.ACCEPTED, protocol=PROTOCOL[version]))
        uow.commit()
    result = gateway.bus.handle(sr.RequestReset("MUTE", type=sr.ResetType.SOFT))
    assert result.outcome is sr.CallOutcome.NO_ADDRESS


@pytest.mark.parametrize("version", ["1.5"])
def test_command_line(tmp_path: Path, fake: FakeStation, version: str, monkeypatch: pytest.MonkeyPatch,
                      capsys: pytest.CaptureFixture[str]) -> None:
    import json

    from ocpp_soap import cli

    url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    monkeypatch.setenv("OCPP_SOAP_DATABASE_URL", url)
    gw = bootstrap(Settings(database_url=url))
    station(gw, version, fake.url, "CLI1")
    gw.engine.dispose()

    assert cli.main(["command", "CLI1", "GetConfiguration", "key=HeartbeatInterval", "key=Nope"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["outcome"] == "answered"
    assert report["answer"]["unknownKey"] == ["Nope"]
    assert fake.received[-1].body.findall(f"{{{CP[version]}}}key")[1].text == "Nope"

    assert cli.main(["command", "CLI1", "ReserveNow", "connectorId=1", "idTag=T", f"expiryDate={LATER.isoformat()}"]) == 0
    assert json.loads(capsys.readouterr().out)["added"]["reservationId"] >= 1

    assert cli.main(["command", "CLI1", "Reset", "type=Medium"]) == 2
    assert "type: expected one of Hard, Soft" in capsys.readouterr().err
    assert cli.main(["command", "NOBODY", "ClearCache"]) == 2
    assert "not known" in capsys.readouterr().err


def _outgoing_log(gateway: Gateway) -> list[Any]:
    from sqlalchemy import select

    from ocpp_soap.persistence import orm

    with gateway.engine.connect() as connection:
        query = select(orm.MessageLogRow).where(orm.MessageLogRow.direction == "out").order_by(orm.MessageLogRow.id)
        return list(connection.execute(query).all())


def test_calls_are_in_the_message_log_as_sent_and_received(gateway: Gateway, fake: FakeStation, version: str) -> None:
    cb = station(gateway, version, fake.url)
    gateway.bus.handle(sr.RequestReset(cb, type=sr.ResetType.SOFT))
    fake.mode = "http500"
    gateway.bus.handle(sr.RequestClearCache(cb))

    answered, broken = _outgoing_log(gateway)
    assert (answered.charge_box_id, answered.operation, answered.outcome, answered.http_status) == (
        cb, "Reset", "answered", 200,
    )
    assert "resetRequest" in answered.request and "Soft" in answered.request
    assert answered.message_id and answered.message_id in answered.request
    assert "resetResponse" in answered.response and answered.duration_ms > 0
    assert (broken.operation, broken.outcome, broken.http_status) == ("ClearCache", "bad-answer", 500)
    assert broken.error


def test_an_unreachable_station_is_logged_without_an_answer(gateway: Gateway, version: str) -> None:
    cb = station(gateway, version, f"http://127.0.0.1:{free_port()}/ChargePointService")
    gateway.bus.handle(sr.RequestReset(cb, type=sr.ResetType.SOFT))
    [entry] = _outgoing_log(gateway)
    assert (entry.outcome, entry.response, entry.http_status) == ("unreachable", None, None)
    assert "resetRequest" in entry.request and "refused" in entry.error

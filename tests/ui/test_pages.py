"""Every page renders with data in it; stations, id tags and commands are changed through the forms."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from flask.testing import FlaskClient
from sqlalchemy import insert, select

from ocpp_soap.bootstrap import Gateway
from ocpp_soap.domain.model import ConnectorStatus, Protocol, RegistrationStatus
from ocpp_soap.persistence.orm import CommandLogRow, IdTagRow, MessageLogRow, ReservationRow, StationRow
from tests.api.conftest import add_connector, add_station, add_transaction
from tests.e2e.fake_station import FakeStation

from .conftest import post

NOW = datetime.now(UTC).replace(microsecond=0)
ENVELOPE = '<?xml version="1.0"?><s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Body><x>1</x></s:Body></s:Envelope>'


@pytest.fixture
def stored(gateway: Gateway) -> int:
    """A little of everything: stations in each state, connectors, a transaction with readings, a reservation,
    logged messages (one a fault, one not XML)."""
    add_station(gateway, "CB-ONLINE", address="http://127.0.0.1:9/cp", last_seen_at=NOW)
    add_station(gateway, "CB-PENDING", status=RegistrationStatus.PENDING, last_seen_at=NOW - timedelta(days=2))
    add_station(gateway, "CB-NEW", protocol=None)
    add_connector(gateway, "CB-ONLINE", 1, ConnectorStatus.AVAILABLE)
    add_connector(gateway, "CB-ONLINE", 1, ConnectorStatus.OCCUPIED)
    tx = add_transaction(gateway, "CB-ONLINE", "TAG1", NOW - timedelta(hours=2), meter_values=30)
    add_transaction(gateway, "CB-ONLINE", "TAG2", NOW - timedelta(hours=1), stopped=True)
    with gateway.engine.begin() as connection:
        connection.execute(insert(ReservationRow).values(
            charge_box_id="CB-ONLINE", connector_id=1, id_tag="TAG1", expiry_date=NOW + timedelta(hours=1),
            state="Accepted", created_at=NOW))
        connection.execute(insert(MessageLogRow), [
            dict(at=NOW, direction="in", charge_box_id="CB-ONLINE", operation="Heartbeat", outcome="ok",
                 http_status=200, duration_ms=3.2, request=ENVELOPE, response=ENVELOPE, error=None),
            dict(at=NOW, direction="out", charge_box_id="CB-ONLINE", operation="Reset", outcome="fault",
                 http_status=500, duration_ms=12.0, request="<not xml & <b>", response=None, error="boom"),
        ])
    return tx


def test_every_page_renders_with_data(admin: FlaskClient, stored: int) -> None:
    pages = {
        "/": ["CB-PENDING", "Accept", "open transactions", "energy delivered today", "fault"],
        "/stations": ["CB-ONLINE", "CB-PENDING", "CB-NEW"],
        "/stations?q=pend": ["CB-PENDING"],
        "/stations?online=true": ["CB-ONLINE"],
        "/stations/CB-ONLINE": ["RemoteStartTransaction", "ReserveNow", "Occupied", "Binding"],
        "/stations/CB-PENDING": ["cannot be called back", "the BootNotification carried no usable address"],
        "/stations/CB-NEW": ["not bound to a protocol version"],
        "/idtags": [],
        "/transactions": ["TAG1", "TAG2"],
        f"/transactions/{stored}": ["<svg", "<polyline", "30 energy readings", "UTC"],
        "/reservations": ["CB-ONLINE", "Accepted"],
        "/messages": ["Heartbeat", "Reset"],
        "/messages?station=CB-ONLINE": ["Heartbeat"],
        "/api-docs": ["/api/stations/{chargeBoxId}/commands/{operation}", "Schemas"],
    }
    for path, expected in pages.items():
        response = admin.get(path)
        assert response.status_code == 200, path
        body = response.get_data(as_text=True)
        for text in expected:
            assert text in body, (path, text)
    assert "CB-ONLINE" not in admin.get("/stations?q=pend").get_data(as_text=True)
    assert "CB-PENDING" not in admin.get("/stations?online=true").get_data(as_text=True)


def test_version_forms_follow_the_protocol(admin: FlaskClient, gateway: Gateway) -> None:
    add_station(gateway, "CB12", protocol=Protocol.OCPP12_SOAP, address="http://127.0.0.1:9/cp")
    body = admin.get("/stations/CB12").get_data(as_text=True)
    assert 'id="command-RemoteStartTransaction"' in body and 'id="command-UpdateFirmware"' in body
    assert 'id="command-ReserveNow"' not in body and 'id="command-DataTransfer"' not in body
    assert body.count('class="card command"') == 9  # OCPP 1.2 has nine charge-point operations


def test_message_detail_pretty_prints_and_escapes(admin: FlaskClient, gateway: Gateway, stored: int) -> None:
    with gateway.engine.connect() as connection:
        ids = dict(connection.execute(select(MessageLogRow.operation, MessageLogRow.id)).all())
    body = admin.get(f"/messages/{ids['Heartbeat']}").get_data(as_text=True)
    assert "&lt;s:Envelope" in body and "\n  &lt;s:Body&gt;" in body  # indented
    body = admin.get(f"/messages/{ids['Reset']}").get_data(as_text=True)
    assert "&lt;not xml &amp; &lt;b&gt;" in body and "boom" in body
    assert admin.get("/messages/999999").status_code == 404


def test_csv_exports(admin: FlaskClient, stored: int) -> None:
    listing = admin.get("/transactions/export.csv?station=CB-ONLINE")
    assert listing.status_code == 200 and listing.mimetype == "text/csv"
    assert listing.get_data(as_text=True).splitlines()[0].startswith("transactionId,chargeBoxId")
    assert len(listing.get_data(as_text=True).splitlines()) == 3
    values = admin.get(f"/transactions/{stored}/meter-values.csv")
    assert values.status_code == 200 and len(values.get_data(as_text=True).splitlines()) == 31


def test_accept_and_reject_a_station_from_the_dashboard(admin: FlaskClient, gateway: Gateway, stored: int) -> None:
    response = post(admin, "/stations/CB-PENDING/accept", {"back": "/"})
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert _status(gateway, "CB-PENDING") == "Accepted"
    post(admin, "/stations/CB-PENDING/reject")
    assert _status(gateway, "CB-PENDING") == "Rejected"
    assert post(admin, "/stations/NOPE/accept").status_code == 404


def test_register_and_delete_a_station(admin: FlaskClient, gateway: Gateway) -> None:
    response = post(admin, "/stations", {"chargeBoxId": "CB-LATER", "status": "Accepted"})
    assert response.status_code == 302 and response.headers["Location"] == "/stations/CB-LATER"
    assert _status(gateway, "CB-LATER") == "Accepted"
    assert post(admin, "/stations", {"chargeBoxId": "CB-LATER"}).status_code == 409
    assert post(admin, "/stations/CB-LATER/delete").status_code == 302
    assert _status(gateway, "CB-LATER") is None


def test_id_tag_create_edit_delete(admin: FlaskClient, gateway: Gateway) -> None:
    response = post(admin, "/idtags/new", {"idTag": "04E91C5A", "status": "Accepted", "expiryDate": "2030-01-31T12:00"},
                    token_from="/idtags/new")
    assert response.status_code == 302
    assert _tag(gateway, "04E91C5A") == ("Accepted", datetime(2030, 1, 31, 12, tzinfo=UTC), None)
    assert "04E91C5A" in admin.get("/idtags").get_data(as_text=True)
    assert post(admin, "/idtags/new", {"idTag": "04E91C5A", "status": "Accepted"}).status_code == 409
    assert post(admin, "/idtags/new", {"idTag": "X" * 21, "status": "Accepted"}).status_code == 422

    form = admin.get("/idtags/04E91C5A/edit").get_data(as_text=True)
    assert 'value="2030-01-31T12:00"' in form
    response = post(admin, "/idtags/04E91C5A/edit", {"status": "Blocked", "parentIdTag": "PARENT"})
    assert response.status_code == 422 and "not a known id tag" in response.get_data(as_text=True)
    post(admin, "/idtags/new", {"idTag": "PARENT", "status": "Accepted"})
    response = post(admin, "/idtags/04E91C5A/edit", {"status": "Blocked", "parentIdTag": "PARENT"})
    assert response.status_code == 302
    assert _tag(gateway, "04E91C5A") == ("Blocked", None, "PARENT")

    assert post(admin, "/idtags/04E91C5A/delete").status_code == 302
    assert _tag(gateway, "04E91C5A") is None
    assert admin.get("/idtags/04E91C5A/edit").status_code == 404


@pytest.fixture
def fake() -> Iterator[FakeStation]:
    station = FakeStation("urn://Ocpp/Cp/2012/06/", None)
    yield station
    station.stop()


def test_command_form_sends_through_the_bus_and_shows_the_answer(
    admin: FlaskClient, gateway: Gateway, fake: FakeStation
) -> None:
    add_station(gateway, "CB-FAKE", address=fake.url)
    response = post(admin, "/stations/CB-FAKE/commands/RemoteStartTransaction", {"idTag": "TAG1", "connectorId": "1"},
                    follow=True)
    body = response.get_data(as_text=True)
    assert response.status_code == 200, body
    assert "the station answered" in body and "Accepted" in body
    (received,) = fake.received
    assert received.operation == "RemoteStartTransaction"

    response = post(admin, "/stations/CB-FAKE/commands/GetConfiguration", {"key": "HeartbeatInterval\nNope\n"},
                    follow=True)
    assert response.status_code == 200
    response = post(admin, "/stations/CB-FAKE/commands/ReserveNow",
                    {"connectorId": "1", "idTag": "TAG1", "expiryDate": "2030-01-01T10:00"}, follow=True)
    assert response.status_code == 200 and "reservationId" in response.get_data(as_text=True)
    with gateway.engine.connect() as connection:
        logged = connection.execute(select(CommandLogRow.operation, CommandLogRow.outcome)).all()
    assert [tuple(row) for row in logged] == [("RemoteStartTransaction", "answered"), ("GetConfiguration", "answered"),
                                              ("ReserveNow", "answered")]
    assert "ReserveNow" in admin.get("/stations/CB-FAKE").get_data(as_text=True)  # the recent command log


def test_command_form_errors_are_shown(admin: FlaskClient, gateway: Gateway) -> None:
    add_station(gateway, "CB-NOADDR")
    response = post(admin, "/stations/CB-NOADDR/commands/Reset", {"type": "Soft"}, follow=True)
    assert response.status_code == 502 and "no-address" in response.get_data(as_text=True)
    response = post(admin, "/stations/CB-NOADDR/commands/RemoteStartTransaction", {"connectorId": "1"})
    assert response.status_code == 422 and "requires idTag" in response.get_data(as_text=True)
    response = post(admin, "/stations/CB-NOADDR/commands/ChangeAvailability", {"connectorId": "x", "type": "Operative"})
    assert response.status_code == 422 and "expected a whole number" in response.get_data(as_text=True)
    add_station(gateway, "CB12", protocol=Protocol.OCPP12_SOAP)
    response = post(admin, "/stations/CB12/commands/DataTransfer", {"vendorId": "x"})
    assert response.status_code == 409 and "has no DataTransfer" in response.get_data(as_text=True)
    assert post(admin, "/stations/NOPE/commands/Reset", {"type": "Soft"}).status_code == 404


def _status(gateway: Gateway, charge_box_id: str) -> str | None:
    with gateway.engine.connect() as connection:
        return connection.execute(
            select(StationRow.registration_status).where(StationRow.charge_box_id == charge_box_id)
        ).scalar()


def _tag(gateway: Gateway, tag: str) -> tuple[str, datetime | None, str | None] | None:
    with gateway.engine.connect() as connection:
        row = connection.execute(
            select(IdTagRow.status, IdTagRow.expiry_date, IdTagRow.parent_id_tag).where(IdTagRow.id_tag == tag)
        ).first()
    return None if row is None else (row[0], row[1], row[2])


def test_a_long_list_says_more_than_when_counting_stopped(
    admin: FlaskClient, gateway: Gateway, monkeypatch: pytest.MonkeyPatch
) -> None:
    from webapp.readmodel import base as queries

    monkeypatch.setattr(queries, "COUNT_LIMIT", 3)
    for n in range(60):
        add_station(gateway, f"CB{n:02d}")
    first = admin.get("/stations").get_data(as_text=True)
    assert "more than 53" in first and "of 2+" in first and "next" in first and "last »" not in first
    last = admin.get("/stations?page=2").get_data(as_text=True)
    assert "60 in all" in last and "page 2 of 2" in last

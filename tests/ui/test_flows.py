"""What an operator does in a day, through the test client: post/redirect/get with the command's answer at its
own address, confirmations and messages, filters that refuse bad values, refused starts apart, effective id tag
status, configuration changed in place, reservations cancelled from their row, one operation to several stations,
time zones, live fragments, who did what, and when a station counts as online."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, update

from ocpp_soap.bootstrap import Gateway
from ocpp_soap.domain.model import Protocol, Role
from ocpp_soap.persistence.orm import (
    CommandLogRow,
    IdTagRow,
    OperatorAccountRow,
    ReservationRow,
    StationConfigurationRow,
    StationRow,
)
from tests.api.conftest import add_station
from tests.conftest import free_port
from tests.e2e.fake_station import FakeStation
from tests.web_data import PASSWORD, add_account, fleet

from .conftest import csrf_token, post

AUTH = {"Authorization": "Bearer ui-test-api-token-0123456789"}  # the UI tests' configured API token


@pytest.fixture
def fake() -> Iterator[FakeStation]:
    station = FakeStation("urn://Ocpp/Cp/2012/06/", None)
    yield station
    station.stop()


def _commands(gateway: Gateway) -> list[tuple[str, str, str | None]]:
    with gateway.engine.connect() as connection:
        return [tuple(r) for r in connection.execute(  # type: ignore[misc]
            select(CommandLogRow.charge_box_id, CommandLogRow.operation, CommandLogRow.requested_by)
            .order_by(CommandLogRow.id))]


def test_a_command_answers_at_its_own_address_and_a_reload_sends_nothing(
    admin: FlaskClient, gateway: Gateway, fake: FakeStation
) -> None:
    add_station(gateway, "CB-FAKE", address=fake.url)
    response = post(admin, "/stations/CB-FAKE/commands/RemoteStartTransaction", {"idTag": "T1", "connectorId": "1"})
    assert response.status_code == 303
    location = response.headers["Location"]
    assert re.fullmatch(r"/commands/\d+", location)
    first = admin.get(location).get_data(as_text=True)
    assert "RemoteStartTransaction sent to CB-FAKE: answered: Accepted" in first  # the flash, once
    again = admin.get(location).get_data(as_text=True)
    assert "the station answered" in again and "sent to CB-FAKE" not in again
    assert len(fake.received) == 1 and _commands(gateway) == [("CB-FAKE", "RemoteStartTransaction", "admin")]
    assert "by admin" in again
    assert admin.get("/api/commands").status_code == 401  # the session is not an API token


def test_what_followed_a_command_is_linked(admin: FlaskClient, gateway: Gateway, fake: FakeStation) -> None:
    from tests.api.conftest import add_transaction

    add_station(gateway, "CB-FAKE", address=fake.url)
    location = post(admin, "/stations/CB-FAKE/commands/RemoteStartTransaction", {"idTag": "T1"}).headers["Location"]
    transaction_id = add_transaction(gateway, "CB-FAKE", "T1", datetime.now(UTC))
    body = admin.get(location).get_data(as_text=True)
    assert f'href="/transactions/{transaction_id}"' in body and f"started session {transaction_id}" in body
    expiry = (datetime.now(UTC) + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    location = post(admin, "/stations/CB-FAKE/commands/ReserveNow",
                    {"connectorId": "1", "idTag": "T1", "expiryDate": expiry}).headers["Location"]
    assert re.search(r"reservation \d+: Accepted", admin.get(location).get_data(as_text=True))


def test_destructive_actions_ask_first_and_every_action_says_what_it_did(admin: FlaskClient, gateway: Gateway) -> None:
    fleet(gateway)
    page = admin.get("/stations/CB-CHARLIE/delete").get_data(as_text=True)
    assert "Delete station CB-CHARLIE?" in page and "transactions with their meter values" in page
    assert admin.get("/stations/CB-CHARLIE").status_code == 200  # asking deleted nothing
    assert "Delete id tag TAG-OK?" in admin.get("/idtags/TAG-OK/delete").get_data(as_text=True)
    assert "Cancel reservation 1?" in admin.get("/reservations/1/cancel").get_data(as_text=True)
    for path, form, said in [
        ("/stations/CB-NEW/accept", {}, "Station CB-NEW accepted"),
        ("/stations/CB-NEW/reject", {}, "Station CB-NEW rejected"),
        ("/stations", {"chargeBoxId": "CB-LATER"}, "Registered station CB-LATER as Accepted"),
        ("/stations/CB-LATER/delete", {}, "Deleted station CB-LATER"),
        ("/idtags/new", {"idTag": "NEW1", "status": "Accepted"}, "Id tag NEW1 created (Accepted)"),
        ("/idtags/NEW1/edit", {"status": "Blocked"}, "Id tag NEW1 saved (Blocked)"),
        ("/idtags/NEW1/delete", {}, "Id tag NEW1 deleted"),
        ("/settings/time-zone", {"timeZone": "UTC"}, "Times are now shown in UTC"),
    ]:
        response = post(admin, path, form, follow=True)
        assert response.status_code == 200, path
        assert said in response.get_data(as_text=True), path


def test_a_bad_filter_is_refused_without_listing_everything(admin: FlaskClient, gateway: Gateway) -> None:
    ids = fleet(gateway)
    response = admin.get("/transactions?from=yesterday")
    body = response.get_data(as_text=True)
    assert response.status_code == 422 and "is not an ISO 8601 date" in body
    assert f'href="/transactions/{ids["open"]}"' not in body and "Nothing is listed until the filter is right" in body
    assert admin.get("/transactions/export.csv?to=1").status_code == 422
    good = admin.get("/transactions?from=2000-01-01&to=2100-01-01T00:00Z").get_data(as_text=True)
    assert f'href="/transactions/{ids["open"]}"' in good


def test_refused_starts_are_apart_from_sessions(admin: FlaskClient, gateway: Gateway) -> None:
    ids = fleet(gateway)
    sessions = admin.get("/transactions").get_data(as_text=True)
    assert "TAG-UNKNOWN" not in sessions and "refused:" not in sessions
    assert "charging" in sessions and "EVDisconnected" in sessions and "1 s" in sessions
    refused = admin.get("/transactions?view=refused").get_data(as_text=True)
    assert "refused: Invalid" in refused and "refused: ConcurrentTx" in refused
    assert f'href="/transactions/{ids["open"]}"' not in refused
    dashboard = admin.get("/").get_data(as_text=True)
    assert "TAG-UNKNOWN" not in dashboard


def test_id_tags_show_their_effective_status_and_sessions_and_can_be_searched(admin: FlaskClient, gateway: Gateway) -> None:
    ids = fleet(gateway)
    body = admin.get("/idtags").get_data(as_text=True)
    row = re.search(r"<tr><td><code>TAG-OLD</code></td>.*?</tr>", body, re.S)
    assert row and "badge expired" in row.group(0) and "Accepted" in row.group(0)  # stored Accepted, told Expired
    charging = re.search(r"<tr><td><code>TAG-OK</code></td>.*?</tr>", body, re.S)
    assert charging and f"in session {ids['open']}" in charging.group(0)
    found = admin.get("/idtags?q=old").get_data(as_text=True)
    assert "TAG-OLD" in found and "TAG-BLOCKED" not in found
    api = admin.application.test_client().get("/api/idtags?search=ok", headers=AUTH).json
    assert [(t["idTag"], t["effectiveStatus"], t["inSession"]) for t in api["items"]] == [("TAG-OK", "Accepted", True)]


def test_configuration_is_read_and_changed_in_place(admin: FlaskClient, gateway: Gateway, fake: FakeStation) -> None:
    add_station(gateway, "CB-FAKE", address=fake.url)
    back = "/stations/CB-FAKE#configuration"
    response = post(admin, "/stations/CB-FAKE/commands/GetConfiguration", {"back": back})
    assert response.status_code == 302 and response.headers["Location"] == back
    page = admin.get("/stations/CB-FAKE").get_data(as_text=True)
    assert "GetConfiguration sent to CB-FAKE: answered" in page and "<code>HeartbeatInterval</code>" in page
    assert 'name="value" value="900"' in page
    post(admin, "/stations/CB-FAKE/commands/ChangeConfiguration", {"key": "HeartbeatInterval", "value": "60", "back": back})
    with gateway.engine.connect() as connection:
        assert connection.execute(select(StationConfigurationRow.value)).scalar() == "60"
    assert [m.operation for m in fake.received] == ["GetConfiguration", "ChangeConfiguration"]


def test_a_reservation_is_cancelled_from_its_row(admin: FlaskClient, gateway: Gateway, fake: FakeStation) -> None:
    fleet(gateway)
    with gateway.engine.begin() as connection:
        connection.execute(update(StationRow).where(StationRow.charge_box_id == "CB-ALPHA").values(endpoint_address=fake.url))
    listing = admin.get("/reservations").get_data(as_text=True)
    assert 'href="/reservations/1/cancel"' in listing
    confirm = admin.get("/reservations/1/cancel").get_data(as_text=True)
    assert 'action="/stations/CB-ALPHA/commands/CancelReservation"' in confirm
    response = post(admin, "/stations/CB-ALPHA/commands/CancelReservation", {"reservationId": "1", "back": "/reservations"},
                    follow=True)
    assert "CancelReservation sent to CB-ALPHA: answered: Accepted" in response.get_data(as_text=True)
    with gateway.engine.connect() as connection:
        assert connection.execute(select(ReservationRow.state)).scalar() == "Cancelled"
    assert 'href="/reservations/1/cancel"' not in admin.get("/reservations").get_data(as_text=True)


def test_one_operation_to_several_stations(admin: FlaskClient, gateway: Gateway, fake: FakeStation) -> None:
    add_station(gateway, "CB-A", address=fake.url)
    add_station(gateway, "CB-B", address=fake.url)
    add_station(gateway, "CB-OLD", address=fake.url, protocol=Protocol.OCPP12_SOAP)
    form = admin.get("/commands/bulk?operation=Reset").get_data(as_text=True)
    assert 'value="CB-A"' in form and 'value="CB-OLD"' in form
    response = admin.post("/commands/bulk", data={"operation": "Reset", "type": "Soft", "station": ["CB-A", "CB-B"],
                                                  "csrf_token": csrf_token(admin, "/commands/bulk")})
    assert response.status_code == 303 and response.headers["Location"].startswith("/commands?ids=")
    listed = admin.get(response.headers["Location"]).get_data(as_text=True)
    assert "Reset sent to 2 stations" in listed and "CB-A" in listed and "CB-B" in listed
    assert sorted(c[0] for c in _commands(gateway)) == ["CB-A", "CB-B"]
    refused = admin.post("/commands/bulk", data={"operation": "GetConfiguration", "station": ["CB-A", "CB-OLD"],
                                                 "csrf_token": csrf_token(admin, "/commands/bulk")}, follow_redirects=True)
    assert "refused for CB-OLD" in refused.get_data(as_text=True)
    none = admin.post("/commands/bulk", data={"operation": "Reset", "type": "Soft", "csrf_token": csrf_token(admin, "/commands/bulk")})
    assert none.status_code == 422 and "Pick at least one station" in none.get_data(as_text=True)


def test_times_follow_the_user_s_zone_and_inputs_take_iso_8601(admin: FlaskClient, gateway: Gateway) -> None:
    post(admin, "/settings/time-zone", {"timeZone": "Europe/Berlin"})
    post(admin, "/idtags/new", {"idTag": "ZONED", "status": "Accepted", "expiryDate": "2030-01-31T12:00"})
    post(admin, "/idtags/new", {"idTag": "WITHZ", "status": "Accepted", "expiryDate": "2030-07-01T12:00:00Z"})
    with gateway.engine.connect() as connection:
        stored = dict(connection.execute(select(IdTagRow.id_tag, IdTagRow.expiry_date)).all())
    assert stored["ZONED"] == datetime(2030, 1, 31, 11, tzinfo=UTC)  # 12:00 in Berlin (CET)
    assert stored["WITHZ"] == datetime(2030, 7, 1, 12, tzinfo=UTC)
    page = admin.get("/idtags").get_data(as_text=True)
    assert "2030-01-31 12:00:00 CET" in page and "2030-07-01 14:00:00 CEST" in page
    assert "Times are shown in Europe/Berlin" in page
    assert 'value="2030-01-31T12:00"' in admin.get("/idtags/ZONED/edit").get_data(as_text=True)
    bad = post(admin, "/idtags/new", {"idTag": "BAD", "status": "Accepted", "expiryDate": "31.01.2030"})
    assert bad.status_code == 422 and "ISO 8601" in bad.get_data(as_text=True)
    with gateway.engine.connect() as connection:
        assert connection.execute(select(OperatorAccountRow.time_zone).where(OperatorAccountRow.username == "admin")).scalar() == "Europe/Berlin"


def test_live_fragments_poll_and_stop_when_a_session_ends(admin: FlaskClient, gateway: Gateway) -> None:
    ids = fleet(gateway)
    for page, fragment in [("/", "/live/dashboard"), ("/stations/CB-ALPHA", "/stations/live/CB-ALPHA"),
                           ("/connectors", "/live/connectors"), (f"/transactions/{ids['open']}", f"/transactions/live/{ids['open']}")]:
        assert f'hx-get="{fragment}' in admin.get(page).get_data(as_text=True), page
        live = admin.get(fragment, headers={"HX-Request": "true"})
        assert live.status_code == 200 and "<html" not in live.get_data(as_text=True) and "hx-trigger" in live.get_data(as_text=True)
    assert "hx-trigger" not in admin.get(f"/transactions/live/{ids['done']}").get_data(as_text=True)
    assert "htmx-2.0.11.min.js" in admin.get("/").get_data(as_text=True)
    assert admin.get("/static/vendor/htmx-2.0.11.min.js").status_code == 200


def test_a_live_fragment_of_an_ended_session_sends_the_page_to_the_login(web: Flask) -> None:
    logged_out = web.test_client().get("/live/dashboard", headers={"HX-Request": "true"})
    assert logged_out.status_code == 401 and logged_out.headers["HX-Redirect"].startswith("/login?next=/live/dashboard")


def test_who_did_what_is_recorded_and_shown(web: Flask, gateway: Gateway, fake: FakeStation) -> None:
    add_station(gateway, "CB-FAKE", address=fake.url)
    add_account(gateway, "olga", Role.OPERATOR)
    client = web.test_client()
    client.post("/login", data={"username": "olga", "password": PASSWORD, "csrf_token": csrf_token(client)})
    post(client, "/idtags/new", {"idTag": "OLGA1", "status": "Accepted"})
    post(client, "/stations/CB-FAKE/commands/ClearCache")
    activity = client.get("/activity").get_data(as_text=True)
    assert re.search(r"<td>olga</td><td>CreateIdTag</td><td>OLGA1</td>", activity)
    assert _commands(gateway) == [("CB-FAKE", "ClearCache", "olga")]
    api = web.test_client()
    assert api.get("/api/commands", headers=AUTH).json["items"][0]["requestedBy"] == "olga"
    actions = api.get("/api/activity?actor=olga", headers=AUTH).json["items"]
    assert [(a["action"], a["target"]) for a in actions] == [("CreateIdTag", "OLGA1")]
    api.put("/api/idtags/OLGA1", headers=AUTH, json={"status": "Blocked"})
    assert api.get("/api/activity?target=OLGA1", headers=AUTH).json["items"][0]["actor"] == "OCPP_SOAP_API_TOKEN"
    assert "UpdateIdTag</b> by OCPP_SOAP_API_TOKEN" in client.get("/idtags/OLGA1/edit").get_data(as_text=True)


def test_a_station_whose_address_refuses_calls_is_not_online(client: FlaskClient, gateway: Gateway) -> None:
    now = datetime.now(UTC)
    add_station(gateway, "CB-DEAF", address=f"http://127.0.0.1:{free_port()}/cp", last_seen_at=now)
    assert client.get("/api/stations/CB-DEAF", headers=AUTH).json["online"] is True
    answer = client.post("/api/stations/CB-DEAF/commands/Reset", headers=AUTH, json={"type": "Soft"})
    assert answer.status_code == 502 and answer.json["outcome"] == "unreachable"
    body = client.get("/api/stations/CB-DEAF", headers=AUTH).json
    assert body["online"] is False and body["presence"] == "unreachable" and body["lastFailedCallAt"]
    assert client.get("/api/stations?online=true", headers=AUTH).json["items"] == []
    with gateway.engine.begin() as connection:  # heartbeats do not clear the mark (they prove nothing about the address)
        connection.execute(update(StationRow).values(last_seen_at=datetime.now(UTC) + timedelta(seconds=1)))
    assert client.get("/api/stations/CB-DEAF", headers=AUTH).json["presence"] == "unreachable"
    with gateway.engine.begin() as connection:  # a boot after the failure does: it may have been reconfigured
        connection.execute(update(StationRow).values(last_boot_at=datetime.now(UTC) + timedelta(seconds=2)))
    assert client.get("/api/stations/CB-DEAF", headers=AUTH).json["presence"] == "online"
    with gateway.engine.begin() as connection:  # so does a new address
        connection.execute(update(StationRow).values(last_boot_at=None, endpoint_address="http://127.0.0.1:9/moved"))
    assert client.get("/api/stations/CB-DEAF", headers=AUTH).json["online"] is True


def test_a_legacy_password_hash_still_logs_in_and_is_upgraded(web: Flask, gateway: Gateway) -> None:
    from werkzeug.security import generate_password_hash

    add_account(gateway, "legacy", Role.READ_ONLY)
    with gateway.engine.begin() as connection:
        connection.execute(update(OperatorAccountRow).where(OperatorAccountRow.username == "legacy")
                           .values(password_hash=generate_password_hash("legacy password 1")))
    client = web.test_client()
    answer = client.post("/login", data={"username": "legacy", "password": "legacy password 1", "csrf_token": csrf_token(client)})
    assert answer.status_code == 302
    with gateway.engine.connect() as connection:
        stored = connection.execute(select(OperatorAccountRow.password_hash).where(OperatorAccountRow.username == "legacy")).scalar()
    assert stored is not None and stored.startswith("$argon2id$")
    assert client.get("/").status_code == 200  # the session made with the new hash holds


def test_a_new_password_ends_the_account_s_sessions(web: Flask, gateway: Gateway) -> None:
    add_account(gateway, "pat", Role.OPERATOR)
    first, second = web.test_client(), web.test_client()
    for client in (first, second):
        client.post("/login", data={"username": "pat", "password": PASSWORD, "csrf_token": csrf_token(client)})
    response = post(first, "/settings/password", {"current": PASSWORD, "new": "a new password 1", "again": "a new password 1"},
                    token_from="/settings")
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    assert second.get("/").status_code == 302  # the other session is over
    wrong = post(first, "/settings/password", {"current": "nope", "new": "x" * 12, "again": "x" * 12}, token_from="/login")
    assert wrong.status_code == 302  # logged out: the form goes to the login page

"""Smart charging and TriggerMessage on the pages (OCPP 1.6): a station's stored charging profiles as a table with a
Clear per profile (asked first, sent by id through the bus, post/redirect/get with a message saying what came of
it), the composite schedule the station reported and what the stored profiles allow drawn as step charts, the JSON
fields of SetChargingProfile and RemoteStart's profile with an example that works, a TriggerMessage's page linking
what it made the station send, a GetCompositeSchedule's page with its chart; and what each role may do there.

Stations are reached through a fake station client (the SOAP client is tested on its own); the pages, the bus,
the handlers and the database are the real ones."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from lxml import html

from ocpp_soap.bootstrap import Gateway, bootstrap
from ocpp_soap.config import Settings
from ocpp_soap.domain import station_requests as sr
from ocpp_soap.domain.model import ConnectorStatus, Protocol, Role, composite_schedule
from tests.api.conftest import add_connector, add_station
from tests.unit.fake_station_client import FakeStationClient, lacking
from tests.web_data import PASSWORD, add_account, fleet, smart_charging
from webapp import operations
from webapp.readmodel import charging

from .conftest import csrf_token, post

ADDRESS = "http://127.0.0.1:9/ChargePointService"  # never called: the station client is a fake
STATION = "CB16"


@pytest.fixture
def station_client() -> Iterator[FakeStationClient]:
    yield FakeStationClient(Protocol.OCPP16_SOAP)


@pytest.fixture
def gateway(settings: Settings, station_client: FakeStationClient) -> Iterator[Gateway]:
    gw = bootstrap(settings, station_client=station_client)
    yield gw
    gw.database.dispose()


@pytest.fixture
def stored(gateway: Gateway) -> dict[str, int]:
    """A 1.6 station with two connectors and what smart charging leaves stored."""
    protocol = Protocol.OCPP16_SOAP
    add_station(gateway, STATION, protocol=protocol, address=ADDRESS, last_seen_at=datetime.now(UTC))
    for connector in (1, 2):
        add_connector(gateway, STATION, connector, ConnectorStatus.AVAILABLE)
    return smart_charging(gateway, STATION)


def page(client: FlaskClient, path: str) -> Any:
    response = client.get(path)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return html.fromstring(response.get_data(as_text=True))


def texts(tree: Any, xpath: str) -> list[str]:
    return [" ".join(element.text_content().split()) for element in tree.xpath(xpath)]


def test_the_station_page_shows_the_stored_profiles(admin: FlaskClient, stored: dict[str, int]) -> None:
    tree = page(admin, f"/stations/{STATION}")
    rows = tree.xpath('//table[@id="charging-profiles"]/tbody/tr')
    # by connector, purpose, highest stack level first
    assert [row.get("id") for row in rows] == ["profile-1", "profile-3", "profile-2"]
    first, second, third = (texts(row, "./td") for row in rows)
    assert first[:5] == ["0 (station)", "1", "ChargePointMaxProfile", "0", first[4]]
    assert first[4].startswith("Absolute from ") and first[5] == "until replaced"
    assert first[6] == "+0:00 → 32 A, +6:00 → 20.5 A"
    assert second[2:4] == ["TxDefaultProfile", "1"] and second[5].startswith("until ")
    assert second[6] == "+0:00 → 7360 W (1 ph.) for 1 h 00 min"
    assert third[4] == "Relative from the start of charging" and third[6] == "+0:00 → 16 A"
    assert [cell[-1] for cell in (first, second, third)] == ["Clear…"] * 3


def _periods(tree: Any, section: str) -> list[str]:
    return texts(tree, f'//section[@id="{section}"]//details[@class="periods"]//tbody/tr/td[3]')


def test_the_reported_and_the_planned_schedule_are_drawn(admin: FlaskClient, gateway: Gateway,
                                                          stored: dict[str, int]) -> None:
    tree = page(admin, f"/stations/{STATION}")
    assert tree.xpath('//svg[@id="reported-chart"]//polyline[contains(@class, "limit")]')
    assert _periods(tree, "reported-schedule") == ["16 A", "10 A", "32 A"]
    link = tree.xpath('//section[@id="reported-schedule"]//a/@href')
    assert f"/commands/{stored['composite']}" in link
    # What the stored profiles allow on connector 1 (the one the station reported for), as the domain computes it.
    assert tree.xpath('//section[@id="planned-schedule"]//option[@selected]/@value') == ["1"]
    installed = charging.installed_profiles(gateway.database, STATION)
    start = datetime.now(UTC).replace(second=0, microsecond=0)
    expected = composite_schedule(installed, 1, start, 24 * 3600)
    assert _periods(tree, "planned-schedule") == [
        "no limit" if p.limit is None else f"{p.limit.normalize():f} A" for p in expected.periods]
    assert _periods(tree, "planned-schedule")[:2] == ["16 A", "32 A"]  # the level-1 default for its hour
    assert tree.xpath('//svg[@id="planned-chart"]//polyline[contains(@class, "limit")]')
    # Another connector on asking; connector 0 is the grid connection, where only the station-wide maximum counts.
    tree = page(admin, f"/stations/{STATION}?connector=0")
    assert _periods(tree, "planned-schedule") == ["32 A", "20.5 A"]
    # "Ask the station" sends GetCompositeSchedule for the connector shown, and comes back here.
    form = tree.xpath('//button[@id="ask-schedule"]/ancestor::form')[0]
    fields = {i.get("name"): i.get("value") for i in form.xpath(".//input")}
    assert (fields["connectorId"], fields["duration"], fields["chargingRateUnit"]) == ("0", "86400", "A")


def test_clear_asks_first_then_sends_by_id_and_says_what_it_did(
    admin: FlaskClient, station_client: FakeStationClient, stored: dict[str, int]
) -> None:
    tree = page(admin, f"/stations/{STATION}")
    (href,) = tree.xpath('//a[@id="clear-profile-3"]/@href')
    confirm = page(admin, href)
    assert texts(confirm, "//h1") == [f"Clear charging profile 3 on {STATION}?"]
    assert "TxDefaultProfile (stack level 1, Absolute) from connector 1" in confirm.text_content()
    assert station_client.calls == []  # asking sent nothing
    response = post(admin, href, token_from=href)
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/stations/{STATION}#charging")
    assert station_client.sent("ClearChargingProfile") == [{"id": 3}]
    after = page(admin, response.headers["Location"])
    assert texts(after, '//p[contains(@class, "flash")]') == [
        f"Charging profile 3 cleared on {STATION}: the station answered Accepted, and the profile is no longer in "
        "the stored copy."]
    assert [row.get("id") for row in after.xpath('//table[@id="charging-profiles"]/tbody/tr')] == [
        "profile-1", "profile-2"]
    page(admin, response.headers["Location"])  # a reload shows the page again and sends nothing
    assert len(station_client.calls) == 1
    assert admin.get(f"/stations/{STATION}/charging-profiles/3/clear").status_code == 404  # gone


def test_a_clear_without_an_answer_keeps_the_profile_and_says_so(
    admin: FlaskClient, station_client: FakeStationClient, stored: dict[str, int]
) -> None:
    station_client.answer("ClearChargingProfile", {"status": "Unknown"})  # the station holds no such profile
    response = post(admin, f"/stations/{STATION}/charging-profiles/1/clear", follow=True)
    tree = html.fromstring(response.get_data(as_text=True))
    assert texts(tree, '//p[contains(@class, "flash")]') == [
        f"Charging profile 1 cleared on {STATION}: the station answered Unknown, and the profile is no longer in the "
        "stored copy."]
    assert not tree.xpath('//tr[@id="profile-1"]')
    station_client.fail("ClearChargingProfile", sr.CallOutcome.TIMEOUT, "no answer in time")
    response = post(admin, f"/stations/{STATION}/charging-profiles/2/clear", follow=True)
    tree = html.fromstring(response.get_data(as_text=True))
    assert texts(tree, '//p[contains(@class, "flash") and contains(@class, "error")]') == [
        f"ClearChargingProfile for profile 2 to {STATION} ended timeout: no answer in time. Nothing was cleared: "
        "the profile stays in the stored copy."]
    assert tree.xpath('//tr[@id="profile-2"]')


def _client(web: Flask, username: str) -> FlaskClient:
    client = web.test_client()
    answer = client.post("/login", data={"username": username, "password": PASSWORD,
                                         "csrf_token": csrf_token(client)})
    assert answer.status_code == 302
    return client


@pytest.mark.parametrize("role", [Role.READ_ONLY, Role.OPERATOR, Role.ADMIN], ids=lambda r: r.value)
def test_read_only_sees_the_profiles_and_cannot_clear(
    web: Flask, gateway: Gateway, station_client: FakeStationClient, stored: dict[str, int], role: Role
) -> None:
    add_account(gateway, "someone", role)
    client = _client(web, "someone")
    tree = page(client, f"/stations/{STATION}")
    assert len(tree.xpath('//table[@id="charging-profiles"]/tbody/tr')) == 3  # everyone sees them
    assert tree.xpath('//svg[@id="reported-chart"]') and tree.xpath('//svg[@id="planned-chart"]')
    clears = tree.xpath('//a[starts-with(@id, "clear-profile-")]')
    confirm = client.get(f"/stations/{STATION}/charging-profiles/2/clear")
    token = csrf_token(client, "/settings")
    sent = client.post(f"/stations/{STATION}/charging-profiles/2/clear", data={"csrf_token": token})
    if role is Role.READ_ONLY:
        assert clears == [] and not tree.xpath('//button[@id="ask-schedule"]')
        assert confirm.status_code == 403 and sent.status_code == 403
        assert station_client.calls == []
        assert len(page(client, f"/stations/{STATION}").xpath('//table[@id="charging-profiles"]/tbody/tr')) == 3
    else:
        assert len(clears) == 3 and confirm.status_code == 200 and sent.status_code == 303
        assert station_client.sent("ClearChargingProfile") == [{"id": 2}]


def test_a_version_without_smart_charging_shows_none_of_it(admin: FlaskClient, gateway: Gateway) -> None:
    fleet(gateway)  # CB-BRAVO speaks 1.2, CB-NEW has not booted
    without = [s for s, p in (("CB-ALPHA", Protocol.OCPP15_SOAP), ("CB-BRAVO", Protocol.OCPP12_SOAP), ("CB-NEW", None))
               if p is None or p in lacking("ClearChargingProfile")]
    assert "CB-BRAVO" in without
    for station in without:
        tree = page(admin, f"/stations/{station}")
        assert not tree.xpath('//section[@id="charging"]'), station
        assert not tree.xpath('//form[@id="command-SetChargingProfile"]')


def test_the_profile_fields_say_what_to_type_and_the_example_works(
    admin: FlaskClient, station_client: FakeStationClient, stored: dict[str, int]
) -> None:
    tree = page(admin, f"/stations/{STATION}")
    for operation, name in (("SetChargingProfile", "csChargingProfiles"), ("RemoteStartTransaction", "chargingProfile")):
        (form,) = tree.xpath(f'//form[@id="command-{operation}"]')
        (box,) = form.xpath(f'.//textarea[@name="{name}"]')
        example = json.loads(box.get("placeholder"))
        assert example["chargingSchedule"]["chargingSchedulePeriod"][0] == {"startPeriod": 0, "limit": 16}
        hint = " ".join(box.getparent().xpath("./small")[0].text_content().split())
        assert "type a JSON object like the example" in hint
        (details,) = form.xpath(".//details[contains(@class, 'json-help')]")
        assert texts(details, ".//code[@class='example']") == [json.dumps(example)]  # readable once typing starts
        fields = dict(zip(texts(details, ".//dt"), texts(details, ".//dd"), strict=True))
        assert fields["chargingSchedule.chargingRateUnit *"] == "W (total power) or A (current per phase)"
        assert {"chargingProfileId *", "chargingSchedule.chargingSchedulePeriod[].limit *", "validTo"} <= set(fields)
    # The examples, typed as they stand, are valid: the station is sent them and the gateway keeps them.
    forms = operations.operation_forms()
    example = {f.name: f.example for f in forms["SetChargingProfile"].fields}["csChargingProfiles"]
    response = post(admin, f"/stations/{STATION}/commands/SetChargingProfile",
                    {"connectorId": "2", "csChargingProfiles": example})
    assert response.status_code == 303, response.get_data(as_text=True)[:800]
    start = {f.name: f.example for f in forms["RemoteStartTransaction"].fields}["chargingProfile"]
    start = json.dumps({**json.loads(start), "chargingProfileId": 9})
    response = post(admin, f"/stations/{STATION}/commands/RemoteStartTransaction",
                    {"idTag": "TAG", "connectorId": "1", "chargingProfile": start})
    assert response.status_code == 303, response.get_data(as_text=True)[:800]
    rows = page(admin, f"/stations/{STATION}").xpath('//table[@id="charging-profiles"]/tbody/tr')
    # The example's id 1 replaced the station-wide maximum of that id (1.6's rule); RemoteStart's is the session's.
    assert [row.get("id") for row in rows] == ["profile-3", "profile-2", "profile-9", "profile-1"]
    assert texts(rows[3], "./td")[:3] == ["2", "1", "TxDefaultProfile"]
    assert texts(rows[2], "./td")[:3] == ["1", "9", "TxProfile"]


def test_a_trigger_s_page_links_the_messages_it_caused(admin: FlaskClient, stored: dict[str, int]) -> None:
    tree = page(admin, f"/commands/{stored['trigger']}")
    section = tree.xpath('//section[@id="triggered"]')[0]
    assert section.xpath(".//a/@href") == [f"/messages/{stored['triggered']}"]
    assert "StatusNotification from the station" in section.text_content()
    # and the message says which trigger it answered, on its page and in the log
    message = page(admin, f"/messages/{stored['triggered']}")
    assert message.xpath('//a[@id="triggered-by"]/@href') == [f"/commands/{stored['trigger']}"]
    log = page(admin, f"/messages?station={STATION}")
    assert f"/commands/{stored['trigger']}" in log.xpath("//table//a/@href")
    # What followed lists it once: as the trigger's message, not again among the station's later messages.
    assert tree.xpath("//a/@href").count(f"/messages/{stored['triggered']}") == 1


def test_a_trigger_the_station_refused_caused_nothing(admin: FlaskClient, gateway: Gateway,
                                                       station_client: FakeStationClient, stored: dict[str, int]) -> None:
    station_client.answer("TriggerMessage", {"status": "Rejected"})
    response = post(admin, f"/stations/{STATION}/commands/TriggerMessage", {"requestedMessage": "Heartbeat"})
    tree = page(admin, response.headers["Location"])
    assert texts(tree, '//section[@id="triggered"]/p') == ["Nothing: the station answered Rejected."]


def test_a_composite_schedule_s_page_draws_it(admin: FlaskClient, station_client: FakeStationClient,
                                               stored: dict[str, int]) -> None:
    tree = page(admin, f"/commands/{stored['composite']}")
    assert tree.xpath('//svg[@id="schedule-chart"]//polyline[contains(@class, "limit")]')
    assert _periods(tree, "schedule") == ["16 A", "10 A", "32 A"]
    assert texts(tree, '//section[@id="schedule"]//details//tbody/tr/td[4]') == ["—", "1", "—"]
    # One sent from the page, answered in W: drawn in kW; a Rejected one has no chart and says why.
    start = (datetime.now(UTC) + timedelta(minutes=1)).replace(microsecond=0)
    station_client.answer("GetCompositeSchedule", {
        "status": "Accepted", "connectorId": 2, "scheduleStart": start.isoformat(),
        "chargingSchedule": {"duration": 900, "chargingRateUnit": "W",
                             "chargingSchedulePeriod": [{"startPeriod": 0, "limit": "11040.0", "numberPhases": 3}]}})
    response = post(admin, f"/stations/{STATION}/commands/GetCompositeSchedule",
                    {"connectorId": "2", "duration": "900", "chargingRateUnit": "W"})
    tree = page(admin, response.headers["Location"])
    assert _periods(tree, "schedule") == ["11.04 kW"] and texts(tree, '//svg[@id="schedule-chart"]//text[@class="tick unit"]') == ["kW"]
    station_client.answer("GetCompositeSchedule", {"status": "Rejected"})
    response = post(admin, f"/stations/{STATION}/commands/GetCompositeSchedule", {"connectorId": "1", "duration": "60"})
    tree = page(admin, response.headers["Location"])
    assert not tree.xpath('//svg[@id="schedule-chart"]')
    assert texts(tree, '//section[@id="schedule"]/p') == ["No schedule: the station answered Rejected."]
    # The station page now draws the newest schedule that came with one.
    tree = page(admin, f"/stations/{STATION}")
    assert _periods(tree, "reported-schedule") == ["11.04 kW"]
    assert tree.xpath('//section[@id="planned-schedule"]//option[@selected]/@value') == ["2"]


def test_a_1_6_station_without_profiles_says_so(admin: FlaskClient, gateway: Gateway) -> None:
    add_station(gateway, "CB16-NEW", protocol=Protocol.OCPP16_SOAP, address=ADDRESS)
    tree = page(admin, "/stations/CB16-NEW")
    assert texts(tree, '//p[@id="no-charging-profiles"]') == [
        "No charging profile stored: SetChargingProfile (below) installs one."]
    assert texts(tree, '//section[@id="reported-schedule"]/p[1]') == [
        "The station has not reported a composite schedule yet."]
    assert _periods(tree, "planned-schedule") == ["no limit"]  # nothing stored limits it
    assert tree.xpath('//svg[@id="planned-chart"]//rect[@class="unlimited"]')
    assert tree.xpath('//section[@id="planned-schedule"]//option/@value') == ["0"]  # no connector known yet

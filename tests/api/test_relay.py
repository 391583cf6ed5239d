"""``/api/stations/{id}/relay``: relay a station to its own back-office URL with its own password, or stop
relaying it; what the station detail and /metrics show of the relay. Passwords never come back."""

from __future__ import annotations

from dataclasses import replace

import pytest
from flask.testing import FlaskClient

from ocpp_soap.bootstrap import Gateway
from ocpp_soap.config import RelaySettings, Settings
from ocpp_soap.persistence.relay_orm import RelayStationRow
from ocpp_soap.relay.secrets import PasswordBox, new_key

from .conftest import AUTH, add_station

KEY = new_key()


@pytest.fixture
def relay_settings() -> RelaySettings:
    return RelaySettings(url="wss://csms.example.com/ocpp", keys=(KEY,))


@pytest.fixture
def settings(database_url: str, relay_settings: RelaySettings) -> Settings:
    from .conftest import TOKEN

    return Settings(database_url=database_url, api_token=TOKEN, relay=relay_settings)


def stored(gateway: Gateway, charge_box_id: str) -> RelayStationRow | None:
    from sqlalchemy.orm import Session

    with Session(gateway.database) as session:
        return session.get(RelayStationRow, charge_box_id)


def test_a_station_is_relayed_to_the_default_url(client: FlaskClient, gateway: Gateway) -> None:
    add_station(gateway, "CB1")
    relay = client.get("/api/stations/CB1", headers=AUTH).json["relay"]
    assert relay == {
        "relayed": True, "url": "wss://csms.example.com/ocpp", "source": "default", "hasPassword": False,
        "connected": False, "since": None, "owner": None, "registration": None, "queueLength": 0,
        "failedMessages": 0, "lastError": None, "lastErrorAt": None,
    }


def test_its_own_url_and_password(client: FlaskClient, gateway: Gateway) -> None:
    add_station(gateway, "CB1")
    answer = client.put("/api/stations/CB1/relay", headers=AUTH,
                        json={"url": "ws://other.example.com:9000/ocpp/", "password": "s3cret-pass:word"})
    assert answer.status_code == 200, answer.json
    assert answer.json["url"] == "ws://other.example.com:9000/ocpp" and answer.json["source"] == "station"
    assert answer.json["hasPassword"] is True and "s3cret" not in answer.get_data(as_text=True)
    row = stored(gateway, "CB1")
    assert row is not None and row.password is not None and "s3cret" not in row.password
    assert PasswordBox((KEY,)).open(row.password) == "s3cret-pass:word"  # encrypted, and readable by the relay
    # Without a password the stored one stays; null removes it; no url is the default one.
    assert client.put("/api/stations/CB1/relay", headers=AUTH, json={"url": None}).json["hasPassword"] is True
    shown = client.put("/api/stations/CB1/relay", headers=AUTH, json={"password": None}).json
    assert (shown["hasPassword"], shown["source"]) == (False, "default")
    # Each change is in the activity log with its author, never with the password, clear or encrypted.
    activity = client.get("/api/activity", headers=AUTH, query_string={"target": "CB1"}).json["items"]
    assert [item["action"] for item in activity][:3] == ["RelayStation"] * 3, activity
    assert "s3cret" not in str(activity) and row.password not in str(activity) and "sealed" not in str(activity)


def test_stop_relaying(client: FlaskClient, gateway: Gateway) -> None:
    add_station(gateway, "CB1")
    assert client.delete("/api/stations/CB1/relay", headers=AUTH).status_code == 204
    relay = client.get("/api/stations/CB1/relay", headers=AUTH).json
    assert (relay["relayed"], relay["source"], relay["url"]) == (False, "off", None)
    assert client.get("/api/stations/CB1", headers=AUTH).json["relay"] == relay
    assert client.put("/api/stations/CB1/relay", headers=AUTH, json={}).json["relayed"] is True


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"url": "http://csms.example.com"}, "url"),
        ({"url": "ws://user:pw@csms.example.com"}, "url"),
        ({"url": "ws://csms.example.com/?x=1"}, "url"),
        ({"url": 5}, "url"),
        ({"password": ""}, "password"),
        ({"password": "p" * 41}, "password"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_bad_input(client: FlaskClient, gateway: Gateway, body: dict[str, object], field: str) -> None:
    add_station(gateway, "CB1")
    answer = client.put("/api/stations/CB1/relay", headers=AUTH, json=body)
    assert answer.status_code == 422 and answer.json["error"]["field"] == field, answer.json


def test_unknown_station(client: FlaskClient) -> None:
    assert client.put("/api/stations/NOPE/relay", headers=AUTH, json={}).status_code == 404
    assert client.delete("/api/stations/NOPE/relay", headers=AUTH).status_code == 404
    assert client.get("/api/stations/NOPE/relay", headers=AUTH).status_code == 404


def test_no_key_no_password(client: FlaskClient, gateway: Gateway) -> None:
    add_station(gateway, "CB1")
    gateway.settings = replace(gateway.settings, relay=replace(gateway.settings.relay, keys=()), secret_key=None)
    answer = client.put("/api/stations/CB1/relay", headers=AUTH, json={"password": "pw-1234567890"})
    assert answer.status_code == 409 and answer.json["error"]["code"] == "no-key"
    assert stored(gateway, "CB1") is None


@pytest.mark.parametrize("relay_settings", [RelaySettings(keys=(KEY,))])
def test_no_default_url(client: FlaskClient, gateway: Gateway) -> None:
    add_station(gateway, "CB1")
    assert client.get("/api/stations/CB1/relay", headers=AUTH).json["relayed"] is False
    answer = client.put("/api/stations/CB1/relay", headers=AUTH, json={})
    assert answer.status_code == 422 and answer.json["error"]["field"] == "url"


def test_metrics_show_the_relay(client: FlaskClient, gateway: Gateway) -> None:
    text = client.get("/metrics").get_data(as_text=True)
    for name in ("ocpp_soap_relay_connections", "ocpp_soap_relay_queue_depth", "ocpp_soap_relay_processes",
                 "ocpp_soap_relay_stations"):
        assert f"\n{name} 0.0" in text, name
    assert "# TYPE ocpp_soap_relay_messages_total counter" in text

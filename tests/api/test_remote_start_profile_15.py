"""A charging profile cannot go to a 1.5 station: the real SOAP client of 1.5, built from our 1.5 charge-point WSDL,
says its RemoteStartTransaction has no ``chargingProfile``, and the API answers 409 naming the field before
anything reaches the station (a fake that validates against the official 1.5 schema)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask.testing import FlaskClient

from ocpp_soap.bootstrap import Gateway
from tests.api.conftest import AUTH, add_station
from tests.conftest import official_wsdl
from tests.e2e.fake_station import FakeStation, official_schema

PROFILE = {
    "chargingProfileId": 7, "stackLevel": 0, "chargingProfilePurpose": "TxProfile", "chargingProfileKind": "Relative",
    "chargingSchedule": {"chargingRateUnit": "A", "chargingSchedulePeriod": [{"startPeriod": 0, "limit": 16}]},
}


@pytest.fixture
def station15() -> Iterator[FakeStation]:
    station = FakeStation("urn://Ocpp/Cp/2012/06/", official_schema(official_wsdl("ocpp15_chargepoint.wsdl")))
    yield station
    station.stop()


def test_remote_start_with_a_profile_is_refused_for_1_5_before_sending(
    client: FlaskClient, gateway: Gateway, station15: FakeStation
) -> None:
    add_station(gateway, "CB15", address=station15.url)
    response = client.post("/api/stations/CB15/commands/RemoteStartTransaction", headers=AUTH,
                           json={"idTag": "T", "connectorId": 1, "chargingProfile": PROFILE})
    assert response.status_code == 409, response.json
    assert response.json["error"] == {
        "code": "field-not-supported", "field": "chargingProfile",
        "message": "RemoteStartTransaction to station 'CB15' cannot carry charging_profile: its protocol "
                   "ocpp1.5-soap has no such field"}
    assert station15.received == []
    assert client.get("/api/commands?station=CB15", headers=AUTH).json["total"] == 0
    # Without the profile the same start goes, and is valid for the official schema.
    response = client.post("/api/stations/CB15/commands/RemoteStartTransaction", headers=AUTH,
                           json={"idTag": "T", "connectorId": 1})
    assert response.status_code == 200
    (received,) = station15.received
    assert received.operation == "RemoteStartTransaction" and received.schema_errors == []

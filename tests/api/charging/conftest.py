"""Fixtures for the 1.6 operations through the API: the gateway on the test database with a fake station client
(the SOAP client is tested on its own), and a station of the version that has them."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from ocpp_soap.bootstrap import Gateway, bootstrap
from ocpp_soap.config import Settings
from ocpp_soap.domain.model import Protocol
from tests.api.conftest import add_station
from tests.unit.fake_station_client import FakeStationClient

ADDRESS = "http://127.0.0.1:9/ChargePointService"  # never called: the station client is a fake


@pytest.fixture
def station_client() -> FakeStationClient:
    return FakeStationClient(Protocol.OCPP16_SOAP)


@pytest.fixture
def gateway(settings: Settings, station_client: FakeStationClient) -> Iterator[Gateway]:
    gw = bootstrap(settings, station_client=station_client)
    yield gw
    gw.database.dispose()


@pytest.fixture
def smart(gateway: Gateway, station_client: FakeStationClient) -> str:
    """A 1.6 station with an address."""
    protocol = next(p for p in Protocol if "SetChargingProfile" in p.operator_operations)
    return add_station(gateway, "CB16", protocol=protocol, address=ADDRESS)

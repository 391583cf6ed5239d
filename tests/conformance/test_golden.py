"""Golden envelopes: the exact bytes a station receives for requests modelled on real OCPP station traffic, per
version (``tests/golden/ocpp12``, ``tests/golden/ocpp15``, ``tests/golden/ocpp16``).

The clock is fixed and the MessageIDs of our answers come from a fixed sequence, so every byte is compared.
Set OCPP_SOAP_UPDATE_GOLDEN=1 to rewrite the response files after an intended wire change, then review the diff.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from werkzeug.test import Client

from ocpp_soap.bootstrap import bootstrap
from ocpp_soap.config import Settings
from ocpp_soap.domain.model import AuthorizationStatus, IdTag, RegistrationStatus, Station, Transaction
from ocpp_soap.wsgi import create_app
from tests.conftest import GOLDEN

FIXED_NOW = datetime(2026, 11, 24, 10, 0, 0, tzinfo=UTC)
# Per version: the endpoint, and the accepted station the recorded traffic comes from (it has an open transaction 1).
VERSIONS = {
    "ocpp16": ("/services/centralSystemServiceOcpp16", "CP0016"),
    "ocpp15": ("/services/centralSystemServiceOcpp15", "CP0042"),
    "ocpp12": ("/services/centralSystemServiceOcpp12", "CP0012"),
}
PENDING = "CP0077"
"""A station known and waiting for an operator, in every version's database."""
CASES = sorted(
    (folder, path.name.removesuffix(".request.xml"))
    for folder in VERSIONS
    for path in (GOLDEN / folder).glob("*.request.xml")
)


def message_ids() -> Iterator[str]:
    return (f"urn:uuid:00000000-0000-4000-8000-{n:012d}" for n in itertools.count(1))


@pytest.fixture
def client(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Client]:
    folder = request.node.callspec.params["case"][0]
    charge_box_id = VERSIONS[folder][1]
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'golden.sqlite3'}")
    gateway = bootstrap(settings, clock=lambda: FIXED_NOW)
    ids = message_ids()
    app = create_app(settings, gateway=gateway, message_ids=lambda: next(ids))
    with gateway.uow_factory() as uow:
        uow.stations.add(Station(charge_box_id, RegistrationStatus.ACCEPTED))
        uow.stations.add(Station(PENDING, RegistrationStatus.PENDING))
        uow.id_tags.add(IdTag("04E91C5A", AuthorizationStatus.ACCEPTED, parent_id_tag="FLEET7"))
        uow.transactions.add(Transaction(charge_box_id, 1, "SEED0001", FIXED_NOW, 100, AuthorizationStatus.ACCEPTED))
        uow.commit()
    yield Client(app)
    gateway.close()


@pytest.mark.parametrize("case", CASES, ids=lambda case: f"{case[0]}-{case[1]}")
def test_golden_exchange(client: Client, case: tuple[str, str]) -> None:
    folder, name = case
    request = (GOLDEN / folder / f"{name}.request.xml").read_bytes()
    content_type = "text/xml; charset=utf-8" if "soap11" in name else 'application/soap+xml; charset=utf-8; action="/x"'
    response = client.post(VERSIONS[folder][0], data=request, headers={"Content-Type": content_type})
    actual = f"HTTP {response.status_code}\nContent-Type: {response.headers['Content-Type']}\n\n".encode() + response.data
    golden = GOLDEN / folder / f"{name}.response.txt"
    if os.environ.get("OCPP_SOAP_UPDATE_GOLDEN") == "1":
        golden.write_bytes(actual)
    assert actual == golden.read_bytes()


@pytest.mark.parametrize("folder", sorted(VERSIONS))
def test_cases_present(folder: str) -> None:
    assert len([case for case in CASES if case[0] == folder]) >= 5

"""Golden envelopes: the exact bytes a station receives for requests modelled on real OCPP 1.5 station traffic.

The clock is fixed and the response's own wsa:MessageID (a fresh UUID) is replaced by ``{{MESSAGE_ID}}``.
Set OCPP_SOAP_UPDATE_GOLDEN=1 to rewrite the response files after an intended wire change, then review the diff.
"""

from __future__ import annotations

import os
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from werkzeug.test import Client

from ocpp_soap.bootstrap import bootstrap
from ocpp_soap.config import Settings
from ocpp_soap.wsgi import create_app
from tests.conftest import GOLDEN

CASES = sorted(p.name.removesuffix(".request.xml") for p in (GOLDEN / "ocpp15").glob("*.request.xml"))
FIXED_NOW = datetime(2026, 11, 24, 10, 0, 0, tzinfo=UTC)
MESSAGE_ID = re.compile(rb"<wsa:MessageID>urn:uuid:[0-9a-f-]{36}</wsa:MessageID>")


@pytest.fixture
def client(tmp_path: Path) -> Client:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'golden.sqlite3'}")
    gateway = bootstrap(settings, clock=lambda: FIXED_NOW)
    app = create_app(settings, gateway=gateway)
    # An accepted station "CP0042" with an open transaction 1, as the recorded traffic assumes.
    from ocpp_soap.domain.model import AuthorizationStatus, IdTag, RegistrationStatus, Station, Transaction

    with gateway.uow_factory() as uow:
        uow.stations.add(Station("CP0042", RegistrationStatus.ACCEPTED))
        uow.id_tags.add(IdTag("04E91C5A", AuthorizationStatus.ACCEPTED, parent_id_tag="FLEET7"))
        uow.transactions.add(Transaction("CP0042", 1, "SEED0001", FIXED_NOW, 100, AuthorizationStatus.ACCEPTED))
        uow.commit()
    yield Client(app)
    gateway.engine.dispose()


@pytest.mark.parametrize("case", CASES)
def test_golden_exchange(client: Client, case: str) -> None:
    request = (GOLDEN / "ocpp15" / f"{case}.request.xml").read_bytes()
    content_type = "text/xml; charset=utf-8" if "soap11" in case else 'application/soap+xml; charset=utf-8; action="/x"'
    response = client.post("/services/centralSystemServiceOcpp15", data=request, headers={"Content-Type": content_type})
    assert MESSAGE_ID.search(response.data), response.data
    actual = MESSAGE_ID.sub(b"<wsa:MessageID>{{MESSAGE_ID}}</wsa:MessageID>", response.data)
    actual = f"HTTP {response.status_code}\nContent-Type: {response.headers['Content-Type']}\n\n".encode() + actual
    golden = GOLDEN / "ocpp15" / f"{case}.response.txt"
    if os.environ.get("OCPP_SOAP_UPDATE_GOLDEN") == "1":
        golden.write_bytes(actual)
    assert actual == golden.read_bytes()


def test_cases_present() -> None:
    assert len(CASES) >= 5

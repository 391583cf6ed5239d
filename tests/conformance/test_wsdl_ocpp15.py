"""Our served OCPP 1.5 WSDL is wire-equivalent to the official one, and the copy in wsdl/ is what we serve."""

from __future__ import annotations

from pathlib import Path

import pytest
import requests
import zeep

from ocpp_soap.soap.edge import CENTRAL_SYSTEM, edge_for_number
from ocpp_soap.soap.wsdl import render_wsdl
from tests.conformance.wsdl_compare import WsdlModel
from tests.conftest import REPO, official_wsdl

ENDPOINT = "/services/centralSystemServiceOcpp15"


@pytest.fixture
def ours(live_server) -> WsdlModel:
    response = requests.get(f"{live_server.url}{ENDPOINT}?wsdl", timeout=10)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/xml")
    return WsdlModel(response.content)


@pytest.fixture
def official() -> WsdlModel:
    return WsdlModel(official_wsdl("ocpp15_centralsystem.wsdl"))


def test_same_operations_actions_elements_and_header(ours, official):
    assert ours.tns == official.tns == "urn://Ocpp/Cs/2012/06/"
    assert ours.operations() == official.operations()
    assert len(ours.operations()) == 10


def test_same_binding_shape(ours, official):
    assert ours.binding_info() == official.binding_info()


def test_same_body_element_structures(ours, official):
    for name in official.elements:
        assert name in ours.elements, f"missing element {name}"
        assert ours.element_structure(name) == official.element_structure(name), name
    assert set(ours.elements) == set(official.elements)


def test_same_named_simple_types(ours, official):
    assert official.named_simple_types() <= ours.named_simple_types()


def test_address_is_the_requested_or_public_url(live_server):
    text = requests.get(f"{live_server.url}{ENDPOINT}?wsdl", timeout=10).text
    assert f'location="{live_server.url}{ENDPOINT}"' in text
    other = requests.get(f"{live_server.url}{ENDPOINT}?wsdl", headers={"Host": "cs.example.net:8443"}, timeout=10).text
    assert f'location="http://cs.example.net:8443{ENDPOINT}"' in other  # never a stale first-request host


def test_public_url_setting_wins(tmp_path):
    from werkzeug.test import Client

    from ocpp_soap.config import Settings
    from ocpp_soap.wsgi import create_app

    app = create_app(Settings(database_url=f"sqlite:///{tmp_path / 'p.sqlite3'}", public_url="https://ocpp.example.com/gw"))
    response = Client(app).get(f"{ENDPOINT}?wsdl", headers={"Host": "10.0.0.5:8080"})
    assert f'location="https://ocpp.example.com/gw{ENDPOINT}"'.encode() in response.data
    app.gateway.engine.dispose()


def test_zeep_loads_our_wsdl_without_warnings(live_server, recwarn):
    client = zeep.Client(f"{live_server.url}{ENDPOINT}?wsdl")
    assert not [w for w in recwarn if "zeep" in str(w.filename)]
    operations = client.service._binding._operations
    assert sorted(operations) == sorted(WsdlModel(official_wsdl("ocpp15_centralsystem.wsdl")).operations())


def test_generated_wsdl_file_is_current():
    """wsdl/ocpp15_centralsystem.wsdl is generated (`ocpp-soap wsdl 1.5 > wsdl/ocpp15_centralsystem.wsdl`)."""
    committed = (REPO / "wsdl" / "ocpp15_centralsystem.wsdl").read_bytes()
    assert committed == render_wsdl(edge_for_number("1.5"), CENTRAL_SYSTEM, "http://localhost/Ocpp/CentralSystemService/")


def test_generated_wsdl_matches_official_too():
    ours = WsdlModel(Path(REPO / "wsdl" / "ocpp15_centralsystem.wsdl"))
    official = WsdlModel(official_wsdl("ocpp15_centralsystem.wsdl"))
    assert ours.operations() == official.operations()

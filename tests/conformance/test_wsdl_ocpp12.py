"""Our served OCPP 1.2 WSDL is wire-equivalent to the official one, and the copy in wsdl/ is what we serve."""

from __future__ import annotations

from pathlib import Path

import pytest
import requests
import zeep

from ocpp_soap.cli import main
from ocpp_soap.soap.edge import CENTRAL_SYSTEM, edge_for_number
from ocpp_soap.soap.wsdl import render_wsdl
from tests.conformance.wsdl_compare import WsdlModel
from tests.conftest import REPO, official_wsdl

ENDPOINT = "/services/centralSystemServiceOcpp12"
TNS = "urn://Ocpp/Cs/2010/08/"
OPERATIONS = {
    "Authorize", "BootNotification", "DiagnosticsStatusNotification", "FirmwareStatusNotification", "Heartbeat",
    "MeterValues", "StartTransaction", "StatusNotification", "StopTransaction",
}


@pytest.fixture
def served(live_server) -> bytes:
    response = requests.get(f"{live_server.url}{ENDPOINT}?wsdl", timeout=10)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/xml")
    return response.content


@pytest.fixture
def ours(served) -> WsdlModel:
    return WsdlModel(served)


@pytest.fixture
def official() -> WsdlModel:
    return WsdlModel(official_wsdl("ocpp12_centralsystem.wsdl"))


def test_same_operations_actions_elements_and_header(ours, official):
    """Per operation: soapAction, input wsaw:Action (no output action in 1.2), body elements, header part."""
    assert ours.tns == official.tns == TNS
    assert ours.operations() == official.operations()
    assert set(ours.operations()) == OPERATIONS  # nine: 1.2 has no DataTransfer
    for name, op in ours.operations().items():
        assert op["soap_action"] == op["input_action"] == f"/{name}"
        assert op["output_action"] is None
        assert op["header"] == ("ChargeBoxIdentity", (TNS, "chargeBoxIdentity"), "literal")
        assert op["output_headers"] == 0


def test_same_binding_shape(ours, official):
    assert ours.binding_info() == official.binding_info()


def test_same_body_element_structures(ours, official):
    """Recursively: child names in order, minOccurs/maxOccurs, simple types' base, enumeration and facets."""
    assert set(ours.elements) == set(official.elements)
    for name in official.elements:
        assert ours.element_structure(name) == official.element_structure(name), name


def test_same_named_types(ours, official):
    assert ours.named_simple_types() == official.named_simple_types()
    assert set(ours.types) == set(official.types)


def test_the_12_shapes_that_differ_from_15(ours):
    """Spot checks of the differences listed in the reference README, read from our served WSDL."""
    reading = ours.element_structure("meterValuesRequest")[1][1]
    assert reading[:3] == ("values", "0", "unbounded")
    assert reading[4] == ("complex", (
        ("timestamp", "1", "1", "false", ("builtin", "dateTime")),
        ("value", "1", "1", "false", ("builtin", "int")),
    ))
    status = dict((c[0], c) for c in ours.element_structure("statusNotificationRequest")[1])
    assert list(status) == ["connectorId", "status", "errorCode"]
    assert status["status"][4][2] == ("Available", "Occupied", "Faulted", "Unavailable")
    assert len(status["errorCode"][4][2]) == 8
    boot = {c[0]: c[1] for c in ours.element_structure("bootNotificationResponse")[1]}
    assert boot == {"status": "1", "currentTime": "0", "heartbeatInterval": "0"}
    (id_tag,) = ours.element_structure("authorizeRequest")[1]
    assert id_tag == ("idTag", "1", "1", "false", ("builtin", "string"))


def test_zeep_reads_the_same_signatures_from_both(served, live_server, recwarn):
    """An independent reading: zeep's view of each operation's input and output is the same for both documents."""
    mine = zeep.Client(f"{live_server.url}{ENDPOINT}?wsdl")
    assert not [w for w in recwarn if "zeep" in str(w.filename)]
    theirs = zeep.Client(str(official_wsdl("ocpp12_centralsystem.wsdl")))

    def signatures(client: zeep.Client) -> dict[str, tuple[str, str, str]]:
        operations = client.service._binding._operations
        return {
            name: (op.input.signature(), op.output.signature(), op.soapaction)
            for name, op in operations.items()
        }

    assert signatures(mine) == signatures(theirs)
    assert set(signatures(mine)) == OPERATIONS


def test_address_is_the_requested_url(live_server):
    text = requests.get(f"{live_server.url}{ENDPOINT}?wsdl", headers={"Host": "cs.example.net:8443"}, timeout=10).text
    assert f'location="http://cs.example.net:8443{ENDPOINT}"' in text


def test_generated_wsdl_file_is_current():
    """wsdl/ocpp12_centralsystem.wsdl is generated (`ocpp-soap wsdl 1.2 > wsdl/ocpp12_centralsystem.wsdl`)."""
    committed = (REPO / "wsdl" / "ocpp12_centralsystem.wsdl").read_bytes()
    assert committed == render_wsdl(edge_for_number("1.2"), CENTRAL_SYSTEM, "http://localhost/Ocpp/CentralSystemService/")


def test_generated_wsdl_matches_official_too():
    ours = WsdlModel(Path(REPO / "wsdl" / "ocpp12_centralsystem.wsdl"))
    official = WsdlModel(official_wsdl("ocpp12_centralsystem.wsdl"))
    assert ours.operations() == official.operations()
    assert {n: ours.element_structure(n) for n in ours.elements} == {
        n: official.element_structure(n) for n in official.elements
    }


def test_cli_prints_the_12_wsdl(capsys):
    assert main(["wsdl", "1.2", "--url", "https://cs.example.com/ocpp12"]) == 0
    out = capsys.readouterr().out
    assert out.encode() == render_wsdl(edge_for_number("1.2"), CENTRAL_SYSTEM, "https://cs.example.com/ocpp12")
    assert 'location="https://cs.example.com/ocpp12"' in out

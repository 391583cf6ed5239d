"""Our served central-system WSDL of every OCPP version is wire-equivalent to the official one, and the copy in
wsdl/ is what we serve: operations, actions, header, binding, every body element's structure (children in order,
occurrences, enumerations in the official order, facets) and the named types."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests
import zeep

from ocpp_soap.cli import main
from ocpp_soap.soap.edge import CENTRAL_SYSTEM, edge_for_number
from ocpp_soap.soap.wsdl import render_wsdl
from tests.conformance.wsdl_compare import WsdlModel
from tests.conftest import REPO, official_wsdl

OPERATIONS_12 = frozenset(
    {
        "Authorize", "BootNotification", "DiagnosticsStatusNotification", "FirmwareStatusNotification", "Heartbeat",
        "MeterValues", "StartTransaction", "StatusNotification", "StopTransaction",
    }
)
OPERATIONS_15 = OPERATIONS_12 | {"DataTransfer"}


@dataclass(frozen=True)
class Version:
    number: str
    tns: str
    operations: frozenset[str]
    response_actions: bool  # 1.2 declares wsaw:Action on inputs only
    named_differently: frozenset[str] = frozenset()
    """Types we name where the official document declares them anonymously (the same structure either way)."""

    @property
    def endpoint(self) -> str:
        return f"/services/centralSystemServiceOcpp{self.number.replace('.', '')}"

    @property
    def file(self) -> str:
        return f"ocpp{self.number.replace('.', '')}_centralsystem.wsdl"


VERSIONS = [
    Version("1.2", "urn://Ocpp/Cs/2010/08/", OPERATIONS_12, False),
    Version("1.5", "urn://Ocpp/Cs/2012/06/", OPERATIONS_15, True, frozenset({"MeterValue_value"})),
    Version("1.6", "urn://Ocpp/Cs/2015/10/", OPERATIONS_15, True),
]


@pytest.fixture(params=VERSIONS, ids=lambda v: f"ocpp{v.number}")
def version(request: pytest.FixtureRequest) -> Version:
    return request.param  # type: ignore[no-any-return]


@pytest.fixture
def served(live_server: Any, version: Version) -> bytes:
    response = requests.get(f"{live_server.url}{version.endpoint}?wsdl", timeout=10)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/xml")
    return response.content


@pytest.fixture
def ours(served: bytes) -> WsdlModel:
    return WsdlModel(served)


@pytest.fixture
def official(version: Version) -> WsdlModel:
    return WsdlModel(official_wsdl(version.file))


def test_same_operations_actions_elements_and_header(ours: WsdlModel, official: WsdlModel, version: Version) -> None:
    """Per operation: soapAction, wsaw:Action on input (and output from 1.5 on), body elements, header part."""
    assert ours.tns == official.tns == version.tns
    assert ours.operations() == official.operations()
    assert set(ours.operations()) == version.operations
    for name, op in ours.operations().items():
        assert op["soap_action"] == op["input_action"] == f"/{name}"
        assert op["output_action"] == (f"/{name}Response" if version.response_actions else None)
        assert op["header"] == ("ChargeBoxIdentity", (version.tns, "chargeBoxIdentity"), "literal")
        assert op["output_headers"] == 0


def test_same_binding_shape(ours: WsdlModel, official: WsdlModel) -> None:
    assert ours.binding_info() == official.binding_info()


def test_same_body_element_structures(ours: WsdlModel, official: WsdlModel) -> None:
    """Recursively: child names in order, minOccurs/maxOccurs, simple types' base, enumeration and facets."""
    assert set(ours.elements) == set(official.elements)
    for name in official.elements:
        assert ours.element_structure(name) == official.element_structure(name), name


def test_same_named_types(ours: WsdlModel, official: WsdlModel, version: Version) -> None:
    """Every named type of the official document, also those no message uses (1.6's CiString500Type)."""
    assert ours.named_simple_types() == official.named_simple_types()
    assert set(ours.types) ^ set(official.types) == version.named_differently


def test_the_12_shapes_that_differ_from_15() -> None:
    """Spot checks of the differences listed in the reference README, read from our WSDL."""
    ours = WsdlModel(render_wsdl(edge_for_number("1.2"), CENTRAL_SYSTEM))
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


def test_the_16_shapes_that_differ_from_15() -> None:
    """Spot checks of the wire breaks of 1.6 (design note §1.3), read from our WSDL."""
    ours = WsdlModel(render_wsdl(edge_for_number("1.6"), CENTRAL_SYSTEM))
    (connector, transaction, meter_value) = ours.element_structure("meterValuesRequest")[1]
    assert meter_value[:3] == ("meterValue", "0", "unbounded")
    timestamp, sampled = meter_value[4][1]
    assert timestamp[0] == "timestamp" and sampled[:3] == ("sampledValue", "1", "unbounded")
    assert [c[0] for c in sampled[4][1]] == ["value", "context", "format", "measurand", "phase", "location", "unit"]
    assert all(c[1] == "0" for c in sampled[4][1][1:])
    phase = sampled[4][1][4][4]
    assert phase[2] == ("L1", "L2", "L3", "N", "L1-N", "L2-N", "L3-N", "L1-L2", "L2-L3", "L3-L1")

    stop = [c[0] for c in ours.element_structure("stopTransactionRequest")[1]]
    assert stop == ["transactionId", "idTag", "timestamp", "meterStop", "reason", "transactionData"]
    boot = {c[0]: c for c in ours.element_structure("bootNotificationResponse")[1]}
    assert list(boot) == ["status", "currentTime", "interval"]
    assert boot["status"][4][2] == ("Accepted", "Pending", "Rejected")
    status = {c[0]: c for c in ours.element_structure("statusNotificationRequest")[1]}
    assert status["status"][4][2] == (
        "Available", "Preparing", "Charging", "SuspendedEV", "SuspendedEVSE", "Finishing", "Reserved", "Faulted",
        "Unavailable",
    )
    assert "Mode3Error" not in status["errorCode"][4][2] and len(status["errorCode"][4][2]) == 16
    assert status["info"][4] == ("simple", ("builtin", "string"), (), (("maxLength", "50"),))


def test_zeep_reads_the_same_signatures_from_both(live_server: Any, version: Version,
                                                   recwarn: pytest.WarningsRecorder) -> None:
    """An independent reading: zeep's view of each operation's input and output is the same for both documents,
    and it loads ours without a warning."""
    mine = zeep.Client(f"{live_server.url}{version.endpoint}?wsdl")
    assert not [w for w in recwarn if "zeep" in str(w.filename)]
    theirs = zeep.Client(str(official_wsdl(version.file)))

    def signatures(client: zeep.Client) -> dict[str, tuple[str, str, str]]:
        operations = client.service._binding._operations
        return {name: (op.input.signature(), op.output.signature(), op.soapaction) for name, op in operations.items()}

    assert signatures(mine) == signatures(theirs)
    assert set(signatures(mine)) == version.operations


def test_address_is_the_requested_or_public_url(live_server: Any, version: Version) -> None:
    url = f"{live_server.url}{version.endpoint}?wsdl"
    assert f'location="{live_server.url}{version.endpoint}"' in requests.get(url, timeout=10).text
    other = requests.get(url, headers={"Host": "cs.example.net:8443"}, timeout=10).text
    assert f'location="http://cs.example.net:8443{version.endpoint}"' in other  # never a stale first-request host


def test_public_url_setting_wins(tmp_path: Path, version: Version) -> None:
    from werkzeug.test import Client

    from ocpp_soap.config import Settings
    from ocpp_soap.wsgi import create_app

    app = create_app(Settings(database_url=f"sqlite:///{tmp_path / 'p.sqlite3'}", public_url="https://ocpp.example.com/gw"))
    response = Client(app).get(f"{version.endpoint}?wsdl", headers={"Host": "10.0.0.5:8080"})
    assert f'location="https://ocpp.example.com/gw{version.endpoint}"'.encode() in response.data
    app.gateway.engine.dispose()


def test_generated_wsdl_file_is_current(version: Version) -> None:
    """wsdl/ocpp1X_centralsystem.wsdl is generated (`ocpp-soap wsdl 1.X > wsdl/ocpp1X_centralsystem.wsdl`)."""
    committed = (REPO / "wsdl" / version.file).read_bytes()
    assert committed == render_wsdl(
        edge_for_number(version.number), CENTRAL_SYSTEM, "http://localhost/Ocpp/CentralSystemService/"
    )


def test_generated_wsdl_matches_official_too(version: Version) -> None:
    ours = WsdlModel(Path(REPO / "wsdl" / version.file))
    official = WsdlModel(official_wsdl(version.file))
    assert ours.operations() == official.operations()
    assert {n: ours.element_structure(n) for n in ours.elements} == {
        n: official.element_structure(n) for n in official.elements
    }


def test_cli_prints_the_wsdl(capsys: pytest.CaptureFixture[str], version: Version) -> None:
    assert main(["wsdl", version.number, "--url", "https://cs.example.com/ocpp"]) == 0
    out = capsys.readouterr().out
    assert out.encode() == render_wsdl(edge_for_number(version.number), CENTRAL_SYSTEM, "https://cs.example.com/ocpp")
    assert 'location="https://cs.example.com/ocpp"' in out

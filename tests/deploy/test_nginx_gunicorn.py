"""The deployment as shipped: real gunicorn with ``deploy/gunicorn.conf.py`` behind Debian's nginx running the
site from ``deploy/nginx/ocpp-soap.conf`` (adapted to loopback test ports, with a self-signed certificate).

Simulated stations talk to the gateway through nginx over plain HTTP and over TLS; an operator command goes from
the central system back to a station; ``?wsdl`` fetched through nginx names the public address; the metrics of
several gunicorn workers add up.
"""

from __future__ import annotations

import json
import subprocess
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

import pytest
import requests
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from ocpp_soap.persistence import orm
from ocpp_soap.simulator.runner import Simulation
from ocpp_soap.simulator.station import Timing
from tests.deploy.servers import BIN, Gunicorn, Nginx, nginx_binary
from tests.helpers import envelope, post

CS_PATH = {"1.5": "/services/centralSystemServiceOcpp15", "1.2": "/services/centralSystemServiceOcpp12"}
FAST = Timing(meter_interval=0.5, retry_interval=0.2)
SECRET = "metrics-token-never-logged-0123456789"
T = TypeVar("T")


def eventually(probe: Callable[[], T | None], what: str, timeout: float = 15.0) -> T:
    deadline = time.monotonic() + timeout
    while True:
        value = probe()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout:g}s waiting for {what}")
        time.sleep(0.05)


class Deployment:
    def __init__(self, directory: Path) -> None:
        nginx_binary()  # skip before starting anything when nginx is absent
        self.gunicorn = Gunicorn(
            directory, workers=2, OCPP_SOAP_TRUSTED_PROXIES="127.0.0.1", OCPP_SOAP_AUTO_ACCEPT="true",
            OCPP_SOAP_HEARTBEAT_INTERVAL="1", OCPP_SOAP_COMMAND_TIMEOUT="5",
        )
        (directory / "nginx").mkdir()
        try:
            self.nginx = Nginx(directory / "nginx", self.gunicorn.port)
        except BaseException:
            self.gunicorn.stop()
            raise
        self.engine = create_engine(self.gunicorn.env["OCPP_SOAP_DATABASE_URL"])

    def station(self, charge_box_id: str) -> orm.StationRow | None:
        with Session(self.engine) as session:
            return session.get(orm.StationRow, charge_box_id)

    def stop(self) -> None:
        self.engine.dispose()
        self.nginx.stop()
        self.gunicorn.stop()


@pytest.fixture(scope="module")
def deployment(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Deployment]:
    deployed = Deployment(tmp_path_factory.mktemp("deployment"))
    yield deployed
    deployed.stop()


@pytest.fixture
def trust_test_certificate(deployment: Deployment, monkeypatch: pytest.MonkeyPatch) -> str:
    """requests (and zeep through it) verify TLS against the test's self-signed certificate."""
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(deployment.nginx.cert))
    return str(deployment.nginx.cert)


@pytest.mark.parametrize(("scheme", "version"), [("http", "1.2"), ("https", "1.5")])
def test_a_station_works_end_to_end_through_nginx(
    deployment: Deployment, trust_test_certificate: str, scheme: str, version: str
) -> None:
    cb = f"NGX-{scheme.upper()}"
    central = deployment.nginx.url(scheme) + CS_PATH[version]
    with Simulation(version, [cb], central, timing=FAST, timeout=5) as sim:
        assert sim.wait_until_accepted(15), f"the boot through nginx ({central}) was not accepted"
        row = eventually(lambda: deployment.station(cb), "the station row")
        assert row.endpoint_address == sim.url(cb)
        assert row.protocol == f"ocpp{version}-soap"
        first_seen = row.last_seen_at
        assert first_seen is not None
        eventually(lambda: (r := deployment.station(cb)) is not None and (r.last_seen_at or first_seen) > first_seen,
                   "a heartbeat through nginx")

        # The central system calls the station back (the operator's command line, on the same database).
        done = subprocess.run(
            [str(BIN), "command", cb, "ChangeConfiguration", "key=HeartbeatInterval", "value=2"], env=deployment.gunicorn.env, capture_output=True,
            text=True, timeout=60,
        )
        assert done.returncode == 0, done.stderr + done.stdout
        report = json.loads(done.stdout)
        assert report["outcome"] == "answered"
        assert report["answer"]["status"] == "Accepted"

    access = deployment.nginx.access_log.read_text()
    assert f"POST {CS_PATH[version]} HTTP/1.1\" 200" in access  # the station's requests went through nginx
    # A refused request is logged with the station's address (nginx's X-Forwarded-For), not nginx's.
    refused = requests.post(central, data=b"<not-soap/>", headers={"Content-Type": "application/soap+xml"}, timeout=10)
    assert refused.status_code == 400
    assert "outcome=sender-fault" in deployment.gunicorn.output()
    assert "remote=127.0.0.1" in deployment.gunicorn.output()


@pytest.mark.parametrize("scheme", ["http", "https"])
def test_wsdl_through_nginx_shows_the_public_address(
    deployment: Deployment, trust_test_certificate: str, scheme: str
) -> None:
    port = deployment.nginx.http_port if scheme == "http" else deployment.nginx.https_port
    answer = requests.get(
        f"{deployment.nginx.url(scheme)}/services/centralSystemServiceOcpp15?wsdl",
        headers={"Host": f"ocpp.example.test:{port}"}, timeout=10,
    )
    assert answer.status_code == 200
    assert f'location="{scheme}://ocpp.example.test:{port}/services/centralSystemServiceOcpp15"' in answer.text


def test_plain_http_is_not_redirected_and_limits_apply(deployment: Deployment, trust_test_certificate: str) -> None:
    health = requests.get(f"{deployment.nginx.url('http')}/healthz", timeout=10, allow_redirects=False)
    assert health.status_code == 200
    too_big = requests.post(
        f"{deployment.nginx.url('http')}{CS_PATH['1.5']}", data=b"x" * (2 * 1024 * 1024),
        headers={"Content-Type": "application/soap+xml"}, timeout=10,
    )
    assert too_big.status_code == 413
    assert requests.get(f"{deployment.nginx.url('http')}/metrics", timeout=10).status_code == 404
    # Through the TLS listener only from the monitoring network: loopback is not in it.
    assert requests.get(f"{deployment.nginx.url('https')}/metrics", timeout=10).status_code == 403


# -- metrics across workers -------------------------------------------------------------------------------------


@pytest.fixture
def two_workers(tmp_path: Path) -> Iterator[Gunicorn]:
    server = Gunicorn(tmp_path, workers=2, OCPP_SOAP_AUTO_ACCEPT="true", OCPP_SOAP_API_TOKEN=SECRET)
    yield server
    server.stop()


def _samples(url: str, headers: dict[str, str] | None = None) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    answer = requests.get(f"{url}/metrics", headers=headers or {}, timeout=10)
    assert answer.status_code == 200, answer.text
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(answer.text)
        for sample in family.samples
    }


def test_metrics_add_up_across_two_gunicorn_workers(two_workers: Gunicorn) -> None:
    url = two_workers.url + CS_PATH["1.5"]
    boot = "<cs:bootNotificationRequest><cs:chargePointVendor>V</cs:chargePointVendor><cs:chargePointModel>M</cs:chargePointModel></cs:bootNotificationRequest>"
    assert post(url, envelope(boot, charge_box="MET1", action="/BootNotification")).status == 200
    start = (
        "<cs:startTransactionRequest><cs:connectorId>1</cs:connectorId><cs:idTag>T1</cs:idTag>"
        f"<cs:timestamp>{datetime.now(UTC).isoformat()}</cs:timestamp><cs:meterStart>0</cs:meterStart>"
        "</cs:startTransactionRequest>"
    )
    assert post(url, envelope(start, charge_box="MET1")).status == 200
    # Each with its own MessageID: one sent 40 times would be one heartbeat and 39 resends of it.
    heartbeats = [envelope("<cs:heartbeatRequest/>", charge_box="MET1", action="/Heartbeat") for _ in range(40)]
    with ThreadPoolExecutor(8) as pool:
        statuses = list(pool.map(lambda heartbeat: post(url, heartbeat).status, heartbeats))
    assert statuses == [200] * 40
    assert post(url, envelope("<cs:noSuchRequest/>", charge_box="MET1")).status in (400, 500)

    pids = {path.stem.rpartition("_")[2] for path in (two_workers.directory / "metrics").glob("*.db")}
    assert len(pids) >= 2, f"only one worker answered, the test proves nothing: {pids}"
    for _ in range(6):  # whichever worker answers the scrape, it reports everyone's counts
        samples = _samples(two_workers.url)
        ok = [samples.get(("ocpp_soap_messages_total", (("operation", op), ("outcome", "ok"))))
              for op in ("Heartbeat", "BootNotification", "StartTransaction")]
        assert ok == [40.0, 1.0, 1.0]
        assert samples[("ocpp_soap_messages_total", (("operation", "unknown"), ("outcome", "sender-fault")))] == 1.0
        assert samples[("ocpp_soap_message_duration_seconds_count", (("operation", "Heartbeat"),))] == 40.0
        assert samples[("ocpp_soap_stations_online", ())] == 1.0
        assert samples[("ocpp_soap_transactions_open", ())] == 1.0
        assert samples[("ocpp_soap_database_up", ())] == 1.0

    # Not served to a request relayed by a proxy the gateway does not trust, nor for a wrong token.
    forwarded = requests.get(f"{two_workers.url}/metrics", headers={"X-Forwarded-For": "203.0.113.9"}, timeout=10)
    assert forwarded.status_code == 403
    wrong = requests.get(f"{two_workers.url}/metrics", headers={"Authorization": f"Bearer {SECRET}"}, timeout=10)
    assert wrong.status_code == 401  # the API token is not the metrics token (none is configured here)
    two_workers.stop()
    assert SECRET not in two_workers.output()

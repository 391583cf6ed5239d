"""Operator commands to stations that cannot be reached, through the REST API of `ocpp-soap serve` (2 workers):
refused connections fail at once (502), a station that accepts and never answers ends at the command timeout
(504), an address where nothing accepts the connection at the connect timeout (502); after such a failure the
station is not called again for a while, so repeated commands fail at once and leave the workers to the stations.
"""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests

from ocpp_soap.soap.outbound.client import CONNECT_TIMEOUT_S
from tests.conftest import GatewayProcess, free_port
from tests.helpers import envelope, post
from tests.reliability.proxy import TcpProxy

TOKEN = "reliability-test-token-0123456789"
COMMAND_TIMEOUT = 2
PATH = "/services/centralSystemServiceOcpp15"


class FullBacklog:
    """A listening socket whose accept queue is full: further SYNs are dropped, so a connect hangs until its own
    timeout, as toward a host that vanished from the network (works offline, unlike a non-routable address)."""

    def __init__(self) -> None:
        self._server = socket.socket()
        self._server.bind(("127.0.0.1", 0))
        self._server.listen(0)
        self.port = int(self._server.getsockname()[1])
        self._fill = []
        for _ in range(4):
            client = socket.socket()
            client.setblocking(False)
            client.connect_ex(("127.0.0.1", self.port))
            self._fill.append(client)
        time.sleep(0.1)

    def close(self) -> None:
        for sock in (*self._fill, self._server):
            sock.close()


@pytest.fixture
def served(database_url: str, tmp_path: Path) -> Iterator[GatewayProcess]:
    process = GatewayProcess(
        database_url, tmp_path, workers=2, OCPP_SOAP_API_TOKEN=TOKEN,
        OCPP_SOAP_COMMAND_TIMEOUT=str(COMMAND_TIMEOUT), OCPP_SOAP_ACCESS_LOG="off",
    )
    try:
        yield process.wait_ready()
    finally:
        process.stop()


@pytest.fixture
def silent() -> Iterator[TcpProxy]:
    """Accepts every connection and never answers."""
    proxy = TcpProxy("127.0.0.1", 9)
    proxy.set_mode("blackhole")
    yield proxy
    proxy.close()


@pytest.fixture
def backlog() -> Iterator[FullBacklog]:
    hole = FullBacklog()
    yield hole
    hole.close()


def boot(url: str, station: str, address: str) -> None:
    answer = post(f"{url}{PATH}", envelope(
        "<cs:bootNotificationRequest><cs:chargePointVendor>V</cs:chargePointVendor><cs:chargePointModel>M"
        "</cs:chargePointModel></cs:bootNotificationRequest>", charge_box=station, from_address=address))
    assert answer.status == 200, answer.text


def heartbeat(url: str, station: str, address: str = "http://192.0.2.10:8080/ChargePointService") -> float:
    began = time.monotonic()
    answer = post(f"{url}{PATH}", envelope("<cs:heartbeatRequest/>", charge_box=station, from_address=address), timeout=60)
    assert answer.status == 200, answer.text
    return time.monotonic() - began


def command(url: str, station: str) -> tuple[int, dict, float]:
    began = time.monotonic()
    response = requests.post(
        f"{url}/api/stations/{station}/commands/Reset", json={"type": "Soft"},
        headers={"Authorization": f"Bearer {TOKEN}"}, timeout=60,
    )
    return response.status_code, response.json(), time.monotonic() - began


def test_refused_fails_at_once_and_silent_ends_at_the_command_timeout(served, silent) -> None:
    url = served.url
    boot(url, "REFUSED", f"http://127.0.0.1:{free_port()}/ChargePointService")
    status, body, seconds = command(url, "REFUSED")
    assert (status, body["error"]["code"]) == (502, "unreachable") and seconds < 1, (body, seconds)

    address = f"http://127.0.0.1:{silent.port}/ChargePointService"
    boot(url, "SILENT", address)
    status, body, seconds = command(url, "SILENT")
    assert (status, body["error"]["code"]) == (504, "timeout"), body
    assert COMMAND_TIMEOUT - 0.2 < seconds < COMMAND_TIMEOUT + 3, seconds

    # The station sends a message: it may be back (or have moved), so the next command calls it again.
    heartbeat(url, "SILENT", address)
    status, body, seconds = command(url, "SILENT")
    assert status == 504 and seconds > COMMAND_TIMEOUT - 0.2 and "not called" not in body["error"]["message"], body


def test_commands_to_a_black_hole_do_not_hold_the_workers(served, backlog) -> None:
    url = served.url
    boot(url, "HOLE", f"http://127.0.0.1:{backlog.port}/ChargePointService")
    boot(url, "BUSY", "http://192.0.2.10:8080/ChargePointService")
    with ThreadPoolExecutor(8) as pool:
        # First calls: one per worker (each waits for the connect timeout, so the other worker takes the next).
        first = [pool.submit(command, url, "HOLE") for _ in range(2)]
        time.sleep(0.5)
        during_first = heartbeat(url, "BUSY")
        for future in first:
            status, body, seconds = future.result()
            assert (status, body["error"]["code"]) == (502, "unreachable"), body
            assert CONNECT_TIMEOUT_S - 0.2 < seconds < CONNECT_TIMEOUT_S + 3, seconds
        # Then: every worker remembers; commands fail at once, and a station's heartbeat is not kept waiting.
        later = [pool.submit(command, url, "HOLE") for _ in range(6)]
        beats = [heartbeat(url, "BUSY") for _ in range(5)]
        for future in later:
            status, body, seconds = future.result()
            assert (status, body["error"]["code"]) == (502, "unreachable"), body
            assert "not called" in body["error"]["message"] and seconds < 1, (body, seconds)
    assert max(beats) < 1, beats
    assert during_first < CONNECT_TIMEOUT_S + 3  # the price of the first calls: at most one connect timeout
    log = requests.get(f"{url}/api/commands?station=HOLE", headers={"Authorization": f"Bearer {TOKEN}"}, timeout=10)
    assert log.json()["total"] == 8  # the commands that were not sent are in the command log too

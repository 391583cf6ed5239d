"""Shared fixtures: a gateway on a temporary SQLite file, served over real loopback HTTP, and the official WSDLs."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from ocpp_soap.bootstrap import Gateway, bootstrap
from ocpp_soap.config import Settings
from ocpp_soap.logging_setup import quiet_spyne
from ocpp_soap.wsgi import GatewayApp, create_app

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared" / "ocpp-reference"
GOLDEN = Path(__file__).resolve().parent / "golden"

quiet_spyne()


def official_wsdl(name: str) -> Path:
    """Path of an official WSDL in ../shared/ocpp-reference, or skip the test saying what is missing."""
    path = SHARED / name
    if not path.is_file():
        pytest.skip(f"official WSDL {name} not found: ../shared/ocpp-reference is absent next to this checkout")
    return path


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(database_url=f"sqlite:///{tmp_path / 'gateway.sqlite3'}", auto_accept=False)


@pytest.fixture
def gateway(settings: Settings) -> Iterator[Gateway]:
    gw = bootstrap(settings)
    yield gw
    gw.engine.dispose()


@pytest.fixture
def app(settings: Settings, gateway: Gateway) -> GatewayApp:
    return create_app(settings, gateway=gateway)


class LiveServer:
    def __init__(self, app: GatewayApp) -> None:
        self.app = app
        self._server = make_server("127.0.0.1", 0, app, threaded=True)
        self.port = self._server.server_port
        self.url = f"http://127.0.0.1:{self.port}"
        # A short poll interval: shutting down waits for it, once per test.
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    def start(self) -> LiveServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._thread.join(5)


@pytest.fixture
def live_server(app: GatewayApp) -> Iterator[LiveServer]:
    server = LiveServer(app).start()
    yield server
    server.stop()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])

"""Shared fixtures: a gateway on a fresh database, served over real loopback HTTP, and the official WSDLs.

The database is a temporary SQLite file unless ``OCPP_SOAP_TEST_DATABASE_URL`` names a PostgreSQL server
(``postgresql+psycopg://user:password@host/dbname``, a role that may create databases): then each test gets a
database of its own on that server, copied from a template migrated once per session, and dropped afterwards.
"""

from __future__ import annotations

import ipaddress
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import requests
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import URL
from sqlalchemy.exc import DBAPIError
from werkzeug.serving import make_server

from ocpp_soap.bootstrap import Gateway, bootstrap
from ocpp_soap.config import Settings
from ocpp_soap.logging_setup import quiet_spyne
from ocpp_soap.persistence.database import create_database_engine, normalise_url
from ocpp_soap.persistence.schema import upgrade
from ocpp_soap.wsgi import GatewayApp, create_app
from webapp import create_webapp

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared" / "ocpp-reference"
GOLDEN = Path(__file__).resolve().parent / "golden"

quiet_spyne()


class OutsideNetwork(AssertionError):
    """A test tried to reach beyond this machine: tests talk to loopback only."""


def _loopback_only(address: object) -> None:
    if isinstance(address, tuple) and address:
        host = str(address[0])
        try:
            loopback = ipaddress.ip_address(host.split("%")[0]).is_loopback
        except ValueError:
            loopback = host == "localhost"
        if not loopback:
            raise OutsideNetwork(f"a test tried to connect to {address!r}; tests may only use loopback addresses")


@pytest.fixture(autouse=True)
def loopback_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail any test that opens a connection beyond loopback (an IP socket to another host): what CI and the
    developers' machines may reach is nobody's business but loopback. Unix sockets and loopback are fine."""
    real_connect, real_connect_ex = socket.socket.connect, socket.socket.connect_ex

    def connect(self: socket.socket, address: object) -> None:
        if self.family in (socket.AF_INET, socket.AF_INET6):
            _loopback_only(address)
        real_connect(self, address)  # type: ignore[arg-type]

    def connect_ex(self: socket.socket, address: object) -> int:
        if self.family in (socket.AF_INET, socket.AF_INET6):
            _loopback_only(address)
        return real_connect_ex(self, address)  # type: ignore[arg-type]

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)


def official_wsdl(name: str) -> Path:
    """Path of an official WSDL in ../shared/ocpp-reference, or skip the test saying what is missing."""
    path = SHARED / name
    if not path.is_file():
        pytest.skip(f"official WSDL {name} not found: ../shared/ocpp-reference is absent next to this checkout")
    return path


TEST_DATABASE_URL = os.environ.get("OCPP_SOAP_TEST_DATABASE_URL", "").strip()
NO_POSTGRES = (
    "PostgreSQL tests need OCPP_SOAP_TEST_DATABASE_URL=postgresql+psycopg://USER:PASSWORD@HOST/DB "
    "(a role that may create databases); .ci/run sets it"
)


class PostgresServer:
    """Creates and drops throw-away databases on the server that OCPP_SOAP_TEST_DATABASE_URL names."""

    def __init__(self, url: str) -> None:
        self.url = normalise_url(url)
        if self.url.get_backend_name() != "postgresql":
            raise pytest.UsageError(f"OCPP_SOAP_TEST_DATABASE_URL must be a PostgreSQL URL, not {self.url.drivername}")
        self._admin: Engine = create_engine(self.url, isolation_level="AUTOCOMMIT")
        self.prefix = f"ocpp_soap_test_{os.getpid()}_"
        self.template: str | None = None

    def database_url(self, name: str) -> URL:
        return self.url.set(database=name)

    def create(self, *, template: str | None = None) -> URL:
        name = f"{self.prefix}{uuid.uuid4().hex[:12]}"
        with self._admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template or "template0"}"'))
        return self.database_url(name)

    def migrated(self) -> URL:
        """A fresh database at the newest schema revision (a copy of a template migrated once)."""
        if self.template is None:
            url = self.create()
            engine = create_database_engine(url)
            upgrade(engine)
            engine.dispose()
            self.template = url.database
        return self.create(template=self.template)

    def drop(self, url: URL) -> None:
        """Drop a test database; a connection the role may not end (autovacuum, another role) only delays it."""
        for attempt in range(10):
            try:
                with self._admin.connect() as connection:
                    connection.execute(text(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)'))
                return
            except DBAPIError:
                if attempt == 9:
                    warnings.warn(f"test database {url.database} could not be dropped", stacklevel=2)
                    return
                time.sleep(0.3)

    def close(self) -> None:
        if self.template:
            self.drop(self.database_url(self.template))
        self._admin.dispose()


def end_sessions(database_url: str) -> int:
    """What a PostgreSQL restart does to the gateway: every other session of the database ends. How many did."""
    admin = create_engine(database_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            ended = connection.execute(
                text("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                     "WHERE datname = current_database() AND pid <> pg_backend_pid()")
            ).scalar()
    finally:
        admin.dispose()
    return int(ended or 0)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer | None]:
    if not TEST_DATABASE_URL:
        yield None
        return
    server = PostgresServer(TEST_DATABASE_URL)
    yield server
    server.close()


@pytest.fixture
def postgres(postgres_server: PostgresServer | None) -> PostgresServer:
    """The PostgreSQL server to test on; skips the test when none is configured."""
    if postgres_server is None:
        pytest.skip(NO_POSTGRES)
    return postgres_server


@pytest.fixture
def postgres_url(postgres: PostgresServer) -> Iterator[str]:
    """A fresh PostgreSQL database at the newest schema; skips the test when no server is configured."""
    url = postgres.migrated()
    yield url.render_as_string(hide_password=False)
    postgres.drop(url)


@pytest.fixture
def database_url(tmp_path: Path, postgres_server: PostgresServer | None) -> Iterator[str]:
    """A fresh database at the newest schema: a SQLite file, or a PostgreSQL database when one is configured."""
    if postgres_server is None:
        yield f"sqlite:///{tmp_path / 'gateway.sqlite3'}"
        return
    url = postgres_server.migrated()
    yield url.render_as_string(hide_password=False)
    postgres_server.drop(url)


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(database_url=database_url, auto_accept=False)


@pytest.fixture
def gateway(settings: Settings) -> Iterator[Gateway]:
    gw = bootstrap(settings)
    yield gw
    gw.engine.dispose()


@pytest.fixture
def app(settings: Settings, gateway: Gateway) -> GatewayApp:
    return create_app(settings, gateway=gateway)


@pytest.fixture
def web(gateway: Gateway) -> Flask:
    """The Flask web app as built for production: health, metrics, the REST API and the operator pages."""
    return create_webapp(gateway)


@pytest.fixture
def client(web: Flask) -> Iterator[FlaskClient]:
    with web.test_client() as test_client:
        yield test_client


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


def wait_until_healthy(
    url: str, process: subprocess.Popen[bytes], output: Callable[[], str], timeout: float = 30,
    *, on_failure: Callable[[], None] | None = None,
) -> None:
    """Poll ``url``/healthz until it answers 200; fail with the server's output if it dies or takes too long."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            if requests.get(f"{url}/healthz", timeout=5).status_code == 200:
                return
        except (requests.ConnectionError, requests.Timeout):
            pass  # not listening yet, or a worker still building the app on a busy machine
        if process.poll() is not None or time.monotonic() > deadline:
            if on_failure is not None:
                on_failure()
            pytest.fail(f"server at {url} did not start:\n{output()}")
        time.sleep(0.2)


def terminate(process: subprocess.Popen[bytes], timeout: float = 20) -> None:
    """SIGTERM (gunicorn's graceful stop), then SIGKILL if it does not end in time."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)


class GatewayProcess:
    """``ocpp-soap serve`` as a real process (gunicorn), on a free loopback port, until ``stop()``."""

    BIN = Path(sys.executable).parent / "ocpp-soap"

    def __init__(self, database_url: str, cwd: Path, *, workers: int = 2, **env: str) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        environment = {**os.environ, "OCPP_SOAP_DATABASE_URL": database_url, "OCPP_SOAP_AUTO_ACCEPT": "true", **env}
        # A file, not a pipe: nobody reads a pipe while the test runs, and a full one would block every worker.
        self.log = cwd / f"gateway-{self.port}.log"
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                [str(self.BIN), "serve", "--bind", f"127.0.0.1:{self.port}", "--workers", str(workers)],
                env=environment, stdout=log, stderr=subprocess.STDOUT, cwd=cwd,
            )

    def wait_ready(self, timeout: float = 30) -> GatewayProcess:
        wait_until_healthy(self.url, self.process, self.output, timeout, on_failure=self.stop)
        return self

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def stop(self) -> None:
        terminate(self.process)

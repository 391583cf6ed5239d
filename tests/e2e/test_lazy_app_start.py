"""``ocpp_soap.wsgi:app`` (what a plain ``gunicorn ocpp_soap.wsgi:app`` serves) builds itself on the first request:
while the database does not answer it says so with a 503, and it starts once the database is there."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest

from ocpp_soap.wsgi import _LazyApp
from tests.conftest import free_port


def call(app: _LazyApp, path: str = "/healthz") -> tuple[str, bytes]:
    statuses: list[str] = []
    environ: dict[str, Any] = {
        "REQUEST_METHOD": "GET", "PATH_INFO": path, "QUERY_STRING": "", "wsgi.input": io.BytesIO(b""),
        "wsgi.url_scheme": "http", "SERVER_NAME": "localhost", "SERVER_PORT": "80", "REMOTE_ADDR": "127.0.0.1",
    }
    body = b"".join(app(environ, lambda status, headers: statuses.append(status)))
    return statuses[0], body


def test_an_unreachable_database_is_a_503_and_the_next_request_tries_again(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("OCPP_SOAP_DATABASE_URL", f"postgresql+psycopg://nobody:x@127.0.0.1:{free_port()}/none")
    app = _LazyApp()
    status, body = call(app)
    assert status.startswith("503")
    assert b"database does not answer" in body

    monkeypatch.setenv("OCPP_SOAP_DATABASE_URL", f"sqlite:///{tmp_path / 'later.sqlite3'}")
    status, _ = call(app)
    assert status.startswith("200")

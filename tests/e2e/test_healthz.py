"""GET /healthz: 200 with a small JSON document when the database answers, 503 when it does not."""

from __future__ import annotations

from pathlib import Path

import requests
from werkzeug.test import Client

from ocpp_soap.bootstrap import bootstrap
from ocpp_soap.config import Settings
from ocpp_soap.wsgi import create_app


def test_healthy(live_server):
    response = requests.get(f"{live_server.url}/healthz", timeout=5)
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok" and body["database"] == "ok"
    assert "OCPP 1.5 SOAP" in body["protocols"]


def test_database_unreachable(tmp_path: Path):
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'missing-dir' / 'db.sqlite3'}")
    gateway = bootstrap(settings, create_tables=False)
    response = Client(create_app(settings, gateway=gateway)).get("/healthz")
    assert response.status_code == 503
    assert response.json["status"] == "unavailable"

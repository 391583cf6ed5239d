"""``GET /healthz``: 200 with a small JSON document when the database answers, 503 otherwise."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify
from flask.typing import ResponseReturnValue

from ocpp_soap import __version__
from ocpp_soap.domain.versions import Protocol
from ocpp_soap.persistence.database import database_answers

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz() -> ResponseReturnValue:
    gateway = current_app.extensions["ocpp_gateway"]
    ok = database_answers(gateway.database)
    body = {
        "status": "ok" if ok else "unavailable",
        "database": "ok" if ok else "unreachable",
        "version": __version__,
        "protocols": [f"OCPP {protocol.number} SOAP" for protocol in Protocol],
    }
    response = jsonify(body)
    response.status_code = 200 if ok else 503
    response.headers["Cache-Control"] = "no-store"
    return response

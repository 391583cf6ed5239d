"""``GET /metrics``: Prometheus text format, for a bearer token or for the addresses the operator allows.

Access: a request with ``Authorization: Bearer <OCPP_SOAP_METRICS_TOKEN>`` is served; so is one whose client
address is in ``OCPP_SOAP_METRICS_ALLOW`` (default loopback: a Prometheus on the same machine scraping gunicorn
directly). A request that came through a proxy the gateway does not trust (it carries ``X-Forwarded-For`` that
was not applied) has the proxy's address, not the client's, and is never served by address. Everything else
gets 403 (401 for a wrong or missing token when a token is configured).
"""

from __future__ import annotations

import hmac
from datetime import UTC, datetime, timedelta

from flask import Blueprint, Response, current_app, request
from sqlalchemy import Engine

from . import core
from .core import ENVIRON_KEY, Network, address_in, parse_networks
from .readmodel import dashboard, stations

bp = Blueprint("metrics", __name__)

DEFAULT_ALLOW = ("127.0.0.1/32", "::1/128")


@bp.get("/metrics")
def scrape() -> Response:
    gateway = current_app.extensions["ocpp_gateway"]
    settings = gateway.settings
    # getattr: the two settings arrive with the config.py change; until then, loopback only and no token.
    token: str | None = getattr(settings, "metrics_token", None)
    allow = parse_networks(getattr(settings, "metrics_allow", DEFAULT_ALLOW))
    denied = _denied(token, allow)
    if denied is not None:
        return denied

    def state() -> core.StateGauges:
        return _stored_state(gateway.engine, settings.heartbeat_interval)

    body, content_type = core.metrics_exposition(state, [lambda: core.relay_metric_families(gateway.database)])
    return Response(body, content_type=content_type, headers={"Cache-Control": "no-store"})


def _denied(token: str | None, allow: tuple[Network, ...]) -> Response | None:
    header = request.headers.get("Authorization", "")
    if header:
        scheme, _, given = header.partition(" ")
        if token and scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), token.encode()):
            return None
        return _refusal(401, "invalid metrics token")
    forwarded_unapplied = "HTTP_X_FORWARDED_FOR" in request.environ and ENVIRON_KEY not in request.environ
    if not forwarded_unapplied and address_in(request.remote_addr, allow):
        return None
    if token:
        return _refusal(401, "a bearer token is required")
    return _refusal(403, "metrics are served to allowed addresses only")


def _refusal(status: int, text: str) -> Response:
    response = Response(text + "\n", status=status, content_type="text/plain; charset=utf-8")
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="metrics"'
    return response


def _stored_state(engine: Engine, heartbeat_interval: int) -> core.StateGauges:
    """Stations online (the read model's rule: seen within two heartbeat intervals and callable), and
    transactions not yet stopped (refused starts included: the gauge counts what stations have open), as stored now."""
    since = datetime.now(UTC) - timedelta(seconds=2 * heartbeat_interval)
    online = stations.count_online(engine, since)
    open_transactions = dashboard.count_unstopped(engine)
    return {
        "ocpp_soap_stations_online": (
            "Stations that sent a message within two heartbeat intervals and whose address takes calls", float(online),
        ),
        "ocpp_soap_transactions_open": ("Transactions started and not yet stopped", float(open_transactions)),
    }

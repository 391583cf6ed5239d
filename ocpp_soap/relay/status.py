"""What operators see of relay mode, read straight from the database: per station (the API's
``GET /api/stations/{id}`` and ``/relay``, the web app's station page) and for the whole gateway (/metrics)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from ..persistence.relay_orm import (
    RelayCounterRow,
    RelayLinkRow,
    RelayNodeRow,
    RelayOutboxRow,
    RelayStationRow,
)
from .model import OutboxState


def _iso(value: datetime | None) -> str | None:
    if value is None:
        return None
    return (value if value.tzinfo else value.replace(tzinfo=UTC)).isoformat()


def station_relay(engine: Engine, default_url: str | None, charge_box_id: str) -> dict[str, Any]:
    """One station's relay: whether it is relayed and where to (never its password), whether its socket is
    connected and since when, which relay process owns it, how many messages wait, the last error."""
    with Session(engine) as session:
        config = session.get(RelayStationRow, charge_box_id)
        link = session.get(RelayLinkRow, charge_box_id)
        queued = session.scalar(select(func.count()).select_from(RelayOutboxRow).where(
            RelayOutboxRow.charge_box_id == charge_box_id, RelayOutboxRow.state == OutboxState.QUEUED.value)) or 0
        failed = session.scalar(select(func.count()).select_from(RelayOutboxRow).where(
            RelayOutboxRow.charge_box_id == charge_box_id, RelayOutboxRow.state == OutboxState.FAILED.value)) or 0
        alive = set(session.scalars(select(RelayNodeRow.node_id).where(RelayNodeRow.expires_at > datetime.now(UTC))))
    if config is None:
        url, source = default_url, ("default" if default_url else None)
    elif not config.enabled:
        url, source = None, "off"
    else:
        url, source = config.url or default_url, ("station" if config.url else "default")
    owner = link.owner_node if link is not None and link.owner_node in alive else None
    return {
        "relayed": url is not None,
        "url": url,
        "source": source,
        "hasPassword": bool(config is not None and config.password),
        "connected": bool(link is not None and link.connected and owner is not None),
        "since": _iso(link.state_since) if link is not None else None,
        "owner": owner,
        "registration": link.registration if link is not None else None,
        "queueLength": int(queued),
        "failedMessages": int(failed),
        "lastError": link.last_error if link is not None else None,
        "lastErrorAt": _iso(link.last_error_at) if link is not None else None,
    }


def metric_families(engine: Engine) -> Iterable[Any]:
    """The relay's part of /metrics, from what every relay process wrote (so any worker of any node shows it)."""
    from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily

    now = datetime.now(UTC)
    with Session(engine) as session:
        alive = select(RelayNodeRow.node_id).where(RelayNodeRow.expires_at > now)
        nodes = session.scalar(select(func.count()).select_from(RelayNodeRow).where(RelayNodeRow.expires_at > now))
        owned = session.scalar(select(func.count()).select_from(RelayLinkRow).where(RelayLinkRow.owner_node.in_(alive)))
        connected = session.scalar(select(func.count()).select_from(RelayLinkRow).where(
            RelayLinkRow.owner_node.in_(alive), RelayLinkRow.connected.is_(True)))
        queued = session.scalar(select(func.count()).select_from(RelayOutboxRow).where(
            RelayOutboxRow.state == OutboxState.QUEUED.value))
        counters = session.execute(select(RelayCounterRow.operation, RelayCounterRow.outcome, RelayCounterRow.count)).all()
    yield GaugeMetricFamily("ocpp_soap_relay_processes", "Relay processes alive (lease not expired)", value=nodes or 0)
    yield GaugeMetricFamily("ocpp_soap_relay_stations", "Relayed stations owned by a live relay process",
                            value=owned or 0)
    yield GaugeMetricFamily("ocpp_soap_relay_connections", "Relayed stations whose WebSocket to the back office is open",
                            value=connected or 0)
    yield GaugeMetricFamily("ocpp_soap_relay_queue_depth", "Station messages queued for the back office",
                            value=queued or 0)
    family = CounterMetricFamily(
        "ocpp_soap_relay_messages",
        "Station messages for the back office by operation and outcome (forwarded: the back office answered; "
        "failed: it refused them or they could not be sent; dropped: they cannot be put into OCPP 1.6-J)",
        labels=["operation", "outcome"],
    )
    for operation, outcome, count in counters:
        family.add_metric([operation, outcome], float(count))
    yield family

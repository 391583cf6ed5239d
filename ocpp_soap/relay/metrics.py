"""The relay's part of /metrics, read from what every relay process wrote (a station's relay as operators see it
is the web app's read model: ``webapp/readmodel/relay.py``)."""

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
)
from .model import OutboxState


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

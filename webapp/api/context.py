"""What every API view needs from the application: the gateway (bus, engine, settings) and the clock."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import current_app

from ocpp_soap.bootstrap import Gateway
from ocpp_soap.domain.model import online_since as online_threshold


def gateway() -> Gateway:
    return current_app.extensions["ocpp_gateway"]  # type: ignore[no-any-return]


def dispatch(command: Any) -> Any:
    """Writes go through the bus, like every other front end's."""
    return gateway().bus.handle(command)


def online_since() -> datetime:
    return online_threshold(datetime.now(UTC), gateway().settings.heartbeat_interval)

"""A station's relay to the OCPP 1.6-J back office as operators see it (``GET /api/stations/{id}`` under
``relay``, ``/api/stations/{id}/relay``, the station page): whether it is relayed and where to (never its
password), whether its socket is open and since when, which relay process holds it, how many messages wait, and
the last error. Read from what the relay processes write, so any worker of any node shows the same."""

from __future__ import annotations

import enum
from datetime import UTC, datetime

from pydantic import Field
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from ocpp_soap.persistence.relay_orm import RelayLinkRow, RelayNodeRow, RelayOutboxRow, RelayStationRow

from .base import Time, Value, aware


class RelaySource(enum.StrEnum):
    STATION = "station"  # the station's own URL
    DEFAULT = "default"  # OCPP_SOAP_RELAY_URL
    OFF = "off"  # relaying turned off for this station


class StationRelay(Value):
    relayed: bool = Field(description="Whether the station is relayed to a back office")
    url: str | None = Field(description="The back office's base URL (ws:// or wss://); the station connects to "
                                        "<url>/<chargeBoxId>")
    source: RelaySource | None = Field(description="Where the URL comes from: the station's own setting, "
                                                   "OCPP_SOAP_RELAY_URL, or relaying turned off for the station")
    has_password: bool = Field(description="A password is stored for HTTP Basic auth (never shown)")
    connected: bool = Field(description="The station's WebSocket to the back office is open")
    since: Time | None = Field(description="When it last connected or disconnected")
    owner: str | None = Field(description="The relay process holding the socket (a live one)")
    registration: str | None = Field(description="The back office's answer to the station's last BootNotification")
    queue_length: int = Field(description="Station messages waiting to be sent")
    failed_messages: int = Field(description="Messages the back office refused or that could not be sent (kept)")
    last_error: str | None = Field(description="The last error toward the back office")
    last_error_at: Time | None = Field(description="When that happened")


def station_relay(engine: Engine, default_url: str | None, charge_box_id: str) -> StationRelay:
    now = datetime.now(UTC)  # a relay process's lease is judged by the clock its expiry was written with
    with Session(engine) as session:
        config = session.get(RelayStationRow, charge_box_id)
        link = session.get(RelayLinkRow, charge_box_id)
        # Per state, along (charge_box_id, state): the delivered messages, which may be many, are not counted.
        counts = {state: session.scalar(
            select(func.count()).select_from(RelayOutboxRow)
            .where(RelayOutboxRow.charge_box_id == charge_box_id, RelayOutboxRow.state == state)) or 0
            for state in ("queued", "failed")}
        owner_alive = link is not None and link.owner_node is not None and session.scalar(
            select(func.count()).select_from(RelayNodeRow)
            .where(RelayNodeRow.node_id == link.owner_node, RelayNodeRow.expires_at > now)) == 1
    url: str | None
    source: RelaySource | None
    if config is None:
        url, source = default_url, (RelaySource.DEFAULT if default_url else None)
    elif not config.enabled:
        url, source = None, RelaySource.OFF
    else:
        url = config.url or default_url
        source = RelaySource.STATION if config.url else (RelaySource.DEFAULT if default_url else None)
    owner = link.owner_node if link is not None and owner_alive else None
    return StationRelay(
        relayed=url is not None,
        url=url,
        source=source,
        has_password=bool(config is not None and config.password),
        connected=bool(link is not None and link.connected and owner is not None),
        since=aware(link.state_since) if link is not None else None,
        owner=owner,
        registration=link.registration if link is not None else None,
        queue_length=counts["queued"],
        failed_messages=counts["failed"],
        last_error=link.last_error if link is not None else None,
        last_error_at=aware(link.last_error_at) if link is not None else None,
    )

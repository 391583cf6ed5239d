"""The relay's tables, on the same metadata as the rest of the schema (``orm.py`` imports this module).

``relay_stations`` is the operator's per-station configuration; ``relay_links`` what the owning relay process
writes about each link; ``relay_nodes`` the relay processes alive (their lease); ``relay_outbox`` the messages
for the back office, in order per station; ``relay_ids`` the id mappings of sessions and reservations;
``relay_answers`` answers the back office gave that a worker may not have taken in time; ``relay_connectors``
the status each connector last had upstream; ``relay_counters`` forwarded and failed messages for /metrics.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .orm import Base, BigId

STATION_FK = "stations.charge_box_id"


class RelayStationRow(Base):
    """An operator's relay settings for one station: its own URL and password, or relaying turned off."""

    __tablename__ = "relay_stations"

    charge_box_id: Mapped[str] = mapped_column(ForeignKey(STATION_FK, ondelete="CASCADE"), primary_key=True)
    enabled: Mapped[bool] = mapped_column(Boolean)
    url: Mapped[str | None] = mapped_column(String(2048))
    password: Mapped[str | None] = mapped_column(Text)  # a Fernet token, never the password itself
    updated_at: Mapped[datetime]


class RelayNodeRow(Base):
    """A relay process alive: it renews ``expires_at``; once that passed, its stations may be taken over."""

    __tablename__ = "relay_nodes"

    node_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    host: Mapped[str] = mapped_column(String(255))
    pid: Mapped[int] = mapped_column(Integer)
    started_at: Mapped[datetime]
    renewed_at: Mapped[datetime]
    expires_at: Mapped[datetime] = mapped_column(index=True)


class RelayLinkRow(Base):
    """A station's link to the back office: which relay owns it (``epoch`` grows at every change of owner, so a
    relay that lost it cannot write), whether it is connected and since when, the last error, the back office's
    registration verdict."""

    __tablename__ = "relay_links"

    # No foreign key: a relay opens a new station's link while the worker's transaction that records the station
    # (its first BootNotification) has not committed yet; links of stations that are gone are pruned.
    charge_box_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    owner_node: Mapped[str | None] = mapped_column(String(64), index=True)
    epoch: Mapped[int] = mapped_column(Integer, default=0)
    connected: Mapped[bool] = mapped_column(Boolean, default=False)
    state_since: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    last_error_at: Mapped[datetime | None]
    registration: Mapped[str | None] = mapped_column(String(16))
    registered_url: Mapped[str | None] = mapped_column(String(2048))
    heartbeat_interval: Mapped[int | None] = mapped_column(Integer)
    updated_at: Mapped[datetime]


class RelayOutboxRow(Base):
    """A message for the back office, in 1.6-J form with ocpp-soap's own ids; sent in ``id`` order per station."""

    __tablename__ = "relay_outbox"
    __table_args__ = (Index("ix_relay_outbox_station_state_id", "charge_box_id", "state", "id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    charge_box_id: Mapped[str] = mapped_column(ForeignKey(STATION_FK, ondelete="CASCADE"))
    action: Mapped[str] = mapped_column(String(64))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    key: Mapped[str | None] = mapped_column(String(64), index=True)
    session_id: Mapped[int | None] = mapped_column(BigInteger)  # ocpp-soap's transaction id of a StartTransaction
    origin: Mapped[str] = mapped_column(String(16))
    state: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime]
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    done_at: Mapped[datetime | None] = mapped_column(index=True)
    answer: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    error: Mapped[str | None] = mapped_column(Text)


class RelayIdRow(Base):
    """One session's (or reservation's) ids: ocpp-soap's, the station's and the back office's."""

    __tablename__ = "relay_ids"
    __table_args__ = (
        Index("ix_relay_ids_station_kind_station_id", "charge_box_id", "kind", "station_id"),
        Index("ix_relay_ids_station_kind_csms_id", "charge_box_id", "kind", "csms_id"),
    )

    kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    local_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    charge_box_id: Mapped[str] = mapped_column(ForeignKey(STATION_FK, ondelete="CASCADE"))
    station_id: Mapped[int | None] = mapped_column(BigInteger)
    csms_id: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime]


class RelayAnswerRow(Base):
    """An answer of the back office to a station's request, by the request's key: a resend, or a queued copy of a
    request whose answer came too late for the station, gets it instead of a second delivery."""

    __tablename__ = "relay_answers"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    charge_box_id: Mapped[str] = mapped_column(String(255))  # no foreign key: a first boot's answer comes first
    action: Mapped[str] = mapped_column(String(64))
    answer: Mapped[dict[str, Any]] = mapped_column(JSON)
    at: Mapped[datetime] = mapped_column(index=True)


class RelayConnectorRow(Base):
    """The status each connector last had as the back office was told it (1.6 values)."""

    __tablename__ = "relay_connectors"

    charge_box_id: Mapped[str] = mapped_column(ForeignKey(STATION_FK, ondelete="CASCADE"), primary_key=True)
    connector_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    status: Mapped[str] = mapped_column(String(16))
    error_code: Mapped[str] = mapped_column(String(32))
    at: Mapped[datetime]


class RelayCounterRow(Base):
    """Messages to the back office by operation and outcome, counted by every relay process: /metrics reads them."""

    __tablename__ = "relay_counters"

    operation: Mapped[str] = mapped_column(String(64), primary_key=True)
    outcome: Mapped[str] = mapped_column(String(16), primary_key=True)
    count: Mapped[int] = mapped_column(BigInteger, default=0)

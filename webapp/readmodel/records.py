"""Id tags (with their effective status and whether they are in a session now), reservations, and the SOAP
message log."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import Field
from sqlalchemy import Engine, and_, func, select

from ocpp_soap.persistence.orm import IdTagRow, MessageLogRow, ReservationRow, TransactionRow
from webapp import core

from . import charging
from .base import Listing, Page, Time, Value, aware, paged

# Id tags


class IdTagItem(Value):
    id_tag: str = Field(description="The id tag (an RFID card's id, up to 20 characters)")
    status: str = Field(description="Stored status: Accepted, Blocked, Expired, Invalid")
    expiry_date: Time | None = Field(description="When an Accepted tag expires (then stations are told Expired)")
    parent_id_tag: str | None = Field(description="Its group's parent tag, if any")


class IdTagListItem(IdTagItem):
    effective_status: str = Field(description="What a station is told now: Expired for an Accepted tag past its expiry, else the stored status")
    in_session: bool = Field(description="Whether a session started with this tag is open now")
    open_transaction_id: int | None = Field(description="That session, when there is one")


def effective_status(status: str, expiry: datetime | None, now: datetime) -> str:
    """What a station is told now, by the domain's own rule (an Accepted tag past its expiry is Expired)."""
    if status not in {s.value for s in core.AuthorizationStatus}:
        return status
    return str(core.authorize(core.IdTag("-", core.AuthorizationStatus(status), expiry), now).status.value)


def list_id_tags(engine: Engine, page: Page, now: datetime, *, search: str | None = None) -> Listing[IdTagListItem]:
    query = select(IdTagRow.__table__).order_by(IdTagRow.id_tag)
    if search:
        query = query.where(func.lower(IdTagRow.id_tag).contains(search.lower(), autoescape=True))

    def convert(rows: Sequence[Any]) -> list[IdTagListItem]:
        tags = [row.id_tag for row in rows]
        charging: dict[str, int] = {}
        if tags:
            with engine.connect() as connection:
                charging = dict(connection.execute(
                    select(TransactionRow.id_tag, func.max(TransactionRow.transaction_id))
                    .where(TransactionRow.id_tag.in_(tags), TransactionRow.stopped_at.is_(None),
                           TransactionRow.start_status == "Accepted")
                    .group_by(TransactionRow.id_tag)
                ).all())
        return [IdTagListItem(
            **_tag(row).model_dump(), effective_status=effective_status(row.status, aware(row.expiry_date), now),
            in_session=row.id_tag in charging, open_transaction_id=charging.get(row.id_tag),
        ) for row in rows]

    return paged(engine, query, page, convert)


def _tag(row: Any) -> IdTagItem:
    return IdTagItem(id_tag=row.id_tag, status=row.status, expiry_date=aware(row.expiry_date),
                     parent_id_tag=row.parent_id_tag)


def id_tag(engine: Engine, tag: str) -> IdTagItem | None:
    with engine.connect() as connection:
        row = connection.execute(select(IdTagRow.__table__).where(IdTagRow.id_tag == tag)).first()
    return None if row is None else _tag(row)


# Reservations


class ReservationItem(Value):
    reservation_id: int = Field(description="The reservationId sent to the station")
    charge_box_id: str = Field(description="The station")
    connector_id: int = Field(description="The connector reserved (0: any)")
    id_tag: str = Field(description="The id tag it is reserved for")
    parent_id_tag: str | None = Field(description="Its parent tag, if the reservation was made for a group")
    expiry_date: Time = Field(description="When the reservation ends")
    state: str = Field(description="Requested, Accepted, Faulted, Occupied, Rejected, Unavailable, Cancelled, Used or Failed")
    created_at: Time = Field(description="When it was asked for")
    cancellable: bool = Field(description="Whether it can still be cancelled (Requested or Accepted, not expired)")
    used_by_transaction_id: int | None = Field(description="The session that used it, once Used")


def list_reservations(engine: Engine, page: Page, now: datetime, *, station: str | None, state: str | None
                      ) -> Listing[ReservationItem]:
    query = select(ReservationRow.__table__).order_by(ReservationRow.reservation_id.desc())
    if station is not None:
        query = query.where(ReservationRow.charge_box_id == station)
    if state is not None:
        query = query.where(ReservationRow.state == state)

    def convert(rows: Sequence[Any]) -> list[ReservationItem]:
        ids = [row.reservation_id for row in rows if row.state == "Used"]
        used: dict[int, int] = {}
        if ids:
            with engine.connect() as connection:
                used = dict(connection.execute(  # type: ignore[arg-type]
                    select(TransactionRow.reservation_id, func.min(TransactionRow.transaction_id))
                    .where(TransactionRow.reservation_id.in_(ids)).group_by(TransactionRow.reservation_id)
                ).all())
        return [_reservation(row, now, used.get(row.reservation_id)) for row in rows]

    return paged(engine, query, page, convert)


def reservation(engine: Engine, reservation_id: int, now: datetime) -> ReservationItem | None:
    with engine.connect() as connection:
        row = connection.execute(
            select(ReservationRow.__table__).where(ReservationRow.reservation_id == reservation_id)).first()
        used = connection.execute(
            select(func.min(TransactionRow.transaction_id)).where(TransactionRow.reservation_id == reservation_id)
        ).scalar()
    return None if row is None else _reservation(row, now, used)


def _reservation(row: Any, now: datetime, used_by: int | None) -> ReservationItem:
    expiry = aware(row.expiry_date)
    assert expiry is not None
    return ReservationItem(
        reservation_id=row.reservation_id, charge_box_id=row.charge_box_id, connector_id=row.connector_id,
        id_tag=row.id_tag, parent_id_tag=row.parent_id_tag, expiry_date=expiry, state=row.state,
        created_at=aware(row.created_at), cancellable=row.state in ("Requested", "Accepted") and expiry > now,
        used_by_transaction_id=used_by,
    )


# The message log


class MessageItem(Value):
    id: int = Field(description="The entry's id")
    at: Time = Field(description="When the exchange began")
    direction: str = Field(description="in: a station called the gateway; out: the gateway called a station")
    charge_box_id: str | None = Field(description="The station, when known")
    operation: str | None = Field(description="The OCPP operation, when known")
    message_id: str | None = Field(description="The request's wsa:MessageID")
    outcome: str = Field(description="ok, resent, answered, or what went wrong (sender-fault, timeout, ...)")
    http_status: int | None = Field(description="The HTTP status of the answer")
    duration_ms: float = Field(description="How long the exchange took, ms")
    error: str | None = Field(description="What went wrong, when something did")
    triggered_by: int | None = Field(None, description="The command-log id of the TriggerMessage (OCPP 1.6) this "
                                                       "station message answered, if it answered one")


class MessageDetail(MessageItem):
    request: str | None = Field(description="The request as it went over the wire (cut at 64 KiB)")
    response: str | None = Field(description="The answer as it went over the wire (cut at 64 KiB)")


_SUMMARY = (
    MessageLogRow.id, MessageLogRow.at, MessageLogRow.direction, MessageLogRow.charge_box_id, MessageLogRow.operation,
    MessageLogRow.message_id, MessageLogRow.outcome, MessageLogRow.http_status, MessageLogRow.duration_ms,
    MessageLogRow.error,
)
FINE_OUTCOMES = ("ok", "resent", "answered")
"""Outcomes that are not faults: a station request answered, a resend answered again, a call the station answered."""


@dataclass(frozen=True)
class MessageFilter:
    station: str | None = None
    direction: str | None = None
    operation: str | None = None
    outcome: str | None = None
    faults_only: bool = False
    since: datetime | None = None


def _message_query(where: MessageFilter) -> Any:
    query = select(*_SUMMARY).order_by(MessageLogRow.at.desc(), MessageLogRow.id.desc())
    conditions = []
    if where.station is not None:
        conditions.append(MessageLogRow.charge_box_id == where.station)
    if where.direction is not None:
        conditions.append(MessageLogRow.direction == where.direction)
    if where.operation is not None:
        conditions.append(MessageLogRow.operation == where.operation)
    if where.outcome is not None:
        conditions.append(MessageLogRow.outcome == where.outcome)
    if where.faults_only:
        conditions.append(MessageLogRow.outcome.not_in(FINE_OUTCOMES))
    if where.since is not None:
        conditions.append(MessageLogRow.at >= where.since)
    return query.where(and_(*conditions)) if conditions else query


def list_messages(engine: Engine, page: Page, where: MessageFilter) -> Listing[MessageItem]:
    """Newest first, without the bodies (``message`` has them), each with the TriggerMessage it answered."""
    return paged(engine, _message_query(where), page, lambda rows: _messages(engine, rows))


def _messages(engine: Engine, rows: Sequence[Any]) -> list[MessageItem]:
    triggers = charging.triggers_of(engine, [_key(row) for row in rows])
    return [_message(row, triggers.get(row.id)) for row in rows]


def _key(row: Any) -> charging.MessageKey:
    return charging.MessageKey(row.id, aware(row.at), row.direction, row.charge_box_id, row.operation)


def _message(row: Any, triggered_by: int | None = None) -> MessageItem:
    return MessageItem(
        id=row.id, at=aware(row.at), direction=row.direction, charge_box_id=row.charge_box_id,
        operation=row.operation, message_id=row.message_id, outcome=row.outcome, http_status=row.http_status,
        duration_ms=row.duration_ms, error=row.error, triggered_by=triggered_by,
    )


def messages_by_id(engine: Engine, ids: Sequence[int]) -> list[MessageItem]:
    """These entries (without bodies), in time order."""
    if not ids:
        return []
    with engine.connect() as connection:
        rows = connection.execute(
            select(*_SUMMARY).where(MessageLogRow.id.in_(list(ids))).order_by(MessageLogRow.at, MessageLogRow.id)
        ).all()
    return _messages(engine, rows)


def message(engine: Engine, message_log_id: int) -> MessageDetail | None:
    with engine.connect() as connection:
        row = connection.execute(
            select(*_SUMMARY, MessageLogRow.request, MessageLogRow.response).where(MessageLogRow.id == message_log_id)
        ).first()
    if row is None:
        return None
    summary = _messages(engine, [row])[0]
    return MessageDetail(**summary.model_dump(), request=row.request, response=row.response)

"""The command log (every operator command toward a station, who sent it and what came of it), one entry with
what followed it, and the dashboard's recent failures."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from pydantic import Field
from sqlalchemy import Engine, select

from ocpp_soap.persistence.orm import CommandLogRow, MessageLogRow, ReservationRow, TransactionRow

from . import charging
from .base import Listing, Page, Time, Value, aware, paged

FOLLOW_WINDOW = timedelta(minutes=10)
"""How long after a command the station's messages are shown as what followed it."""


class CommandItem(Value):
    id: int = Field(description="The command log entry's id (the web app shows it at /commands/{id})")
    charge_box_id: str = Field(description="The station")
    operation: str = Field(description="The OCPP operation")
    parameters: dict[str, Any] = Field(description="The request's fields under their OCPP names, as sent")
    requested_at: Time = Field(description="When it was sent")
    requested_by: str | None = Field(description="Who sent it: the operator account, OCPP_SOAP_API_TOKEN, or cli:<user>")
    outcome: str = Field(description="answered, no-address, unreachable, timeout, fault or bad-answer")
    answer: dict[str, Any] = Field(description="The station's answer fields under their OCPP names")
    error: str | None = Field(description="What went wrong, when the station did not answer")
    duration_ms: float = Field(description="How long the call took, ms")
    protocol: str | None = Field(description="The station's protocol version then")
    address: str | None = Field(description="The address it was sent to")
    triggered_messages: list[int] | None = Field(
        None, description="TriggerMessage (OCPP 1.6) only: the message-log ids of what it made the station send, "
                          "in time order (null for other operations)")


def list_commands(engine: Engine, page: Page, *, station: str | None = None, ids: Sequence[int] | None = None
                  ) -> Listing[CommandItem]:
    query = select(CommandLogRow.__table__).order_by(CommandLogRow.requested_at.desc(), CommandLogRow.id.desc())
    if station is not None:
        query = query.where(CommandLogRow.charge_box_id == station)
    if ids is not None:
        query = query.where(CommandLogRow.id.in_(list(ids)))
    return paged(engine, query, page, lambda rows: _commands(engine, rows))


def _commands(engine: Engine, rows: Sequence[Any]) -> list[CommandItem]:
    """The entries, each TriggerMessage with the messages it made the station send."""
    triggered = charging.triggered_message_ids(engine, [row.id for row in rows if row.operation == charging.TRIGGER])
    return [_command(row, triggered.get(row.id)) for row in rows]


def _command(row: Any, triggered: list[int] | None = None) -> CommandItem:
    return CommandItem(
        id=row.id, charge_box_id=row.charge_box_id, operation=row.operation, parameters=row.parameters,
        requested_at=aware(row.requested_at), requested_by=row.requested_by, outcome=row.outcome, answer=row.answer,
        error=row.error, duration_ms=row.duration_ms, protocol=row.protocol, address=row.address,
        triggered_messages=triggered,
    )


def command(engine: Engine, command_id: int) -> CommandItem | None:
    with engine.connect() as connection:
        row = connection.execute(select(CommandLogRow.__table__).where(CommandLogRow.id == command_id)).first()
    return None if row is None else _commands(engine, [row])[0]


def recent_failed_commands(engine: Engine, limit: int = 10) -> list[CommandItem]:
    query = (
        select(CommandLogRow.__table__).where(CommandLogRow.outcome != "answered")
        .order_by(CommandLogRow.requested_at.desc(), CommandLogRow.id.desc()).limit(limit)
    )
    with engine.connect() as connection:
        rows = connection.execute(query).all()
    return _commands(engine, rows)


class FollowUp(Value):
    kind: str = Field(description="transaction, reservation, message")
    label: str = Field(description="What it is, in words")
    transaction_id: int | None = Field(default=None, description="The session it links to")
    reservation_id: int | None = Field(default=None, description="The reservation it links to")
    message_id: int | None = Field(default=None, description="The message-log entry it links to")
    at: Time | None = Field(default=None, description="When it happened")


def followups(engine: Engine, entry: CommandItem) -> list[FollowUp]:
    """What followed a command: the session a RemoteStart caused (or a RemoteStop ended), the reservation a
    ReserveNow made and the session that used it, and the station's messages in the minutes after (the
    StatusNotification after an UnlockConnector, the BootNotification after a Reset, ...)."""
    found: list[FollowUp] = []
    start, end = entry.requested_at, entry.requested_at + FOLLOW_WINDOW
    params, answer = entry.parameters, entry.answer
    with engine.connect() as connection:
        if entry.operation == "RemoteStartTransaction" and answer.get("status") == "Accepted":
            query = (select(TransactionRow.transaction_id, TransactionRow.started_at, TransactionRow.start_status)
                     .where(TransactionRow.charge_box_id == entry.charge_box_id, TransactionRow.id_tag == params.get("idTag"),
                            TransactionRow.created_at >= start - timedelta(seconds=5), TransactionRow.created_at < end)
                     .order_by(TransactionRow.transaction_id).limit(1))
            if params.get("connectorId") is not None:
                query = query.where(TransactionRow.connector_id == params["connectorId"])
            for row in connection.execute(query):
                found.append(FollowUp(kind="transaction", label=f"started session {row.transaction_id} ({row.start_status})",
                                      transaction_id=row.transaction_id, at=aware(row.started_at)))
        if entry.operation == "RemoteStopTransaction" and params.get("transactionId") is not None:
            tid = int(params["transactionId"])
            stopped = connection.execute(select(TransactionRow.stopped_at).where(TransactionRow.transaction_id == tid)).first()
            if stopped is not None:
                label = f"session {tid} " + ("stopped" if stopped.stopped_at else "still open")
                found.append(FollowUp(kind="transaction", label=label, transaction_id=tid, at=aware(stopped.stopped_at)))
        reservation_id = params.get("reservationId") or (entry.parameters.get("reservationId"))
        if entry.operation in ("ReserveNow", "CancelReservation") and reservation_id is not None:
            state = connection.execute(select(ReservationRow.state).where(ReservationRow.reservation_id == int(reservation_id))).first()
            if state is not None:
                found.append(FollowUp(kind="reservation", label=f"reservation {reservation_id}: {state.state}",
                                      reservation_id=int(reservation_id)))
                used = connection.execute(select(TransactionRow.transaction_id, TransactionRow.started_at)
                                          .where(TransactionRow.reservation_id == int(reservation_id)).limit(1)).first()
                if used is not None:
                    found.append(FollowUp(kind="transaction", label=f"used by session {used.transaction_id}",
                                          transaction_id=used.transaction_id, at=aware(used.started_at)))
        messages = connection.execute(
            select(MessageLogRow.id, MessageLogRow.at, MessageLogRow.operation, MessageLogRow.outcome)
            .where(MessageLogRow.charge_box_id == entry.charge_box_id, MessageLogRow.direction == "in",
                   MessageLogRow.at >= start, MessageLogRow.at < end, MessageLogRow.operation != "Heartbeat")
            .order_by(MessageLogRow.at, MessageLogRow.id).limit(20)
        ).all()
    claimed = set(entry.triggered_messages or ())  # a TriggerMessage's own messages are shown as such
    for message in messages:
        if message.id in claimed:
            continue
        found.append(FollowUp(kind="message", label=f"{message.operation or 'message'} from the station ({message.outcome})",
                              message_id=message.id, at=aware(message.at)))
    return found



"""The read model of smart charging and TriggerMessage (OCPP 1.6), for the API and the web app's pages alike.

- A station's charging profiles, as the gateway keeps its copy: typed (:func:`installed_profiles`) or as the API
  shows them (:func:`profile_items`, :func:`list_profiles`).
- Composite schedules to draw: what a station reported to GetCompositeSchedule, typed, from the command log
  (:func:`reported_schedules`), and what the stored profiles allow, computed by the domain's
  :func:`~ocpp_soap.domain.model.composite_schedule` (:func:`planned_schedule`).
- What a TriggerMessage made a station send. The link is made when it is read, not stored: the messages of a
  trigger are the station's requests of the requested operation that arrived within :data:`TRIGGER_WINDOW` after
  the command was sent, and before the next trigger of the same message to that station; one message for a
  trigger that asks for one (a connector given, or a message that is not per connector), every such message for a
  StatusNotification or MeterValues trigger without a connector (one per connector). Only triggers the station
  answered Accepted have messages. This costs the station's requests nothing (no lookup on their path, no column
  to write), and it reads two indexes: the message log's (station, time) and the command log's (station, time).
  :func:`triggered_messages` goes from a command to its messages, :func:`triggers_of` from messages to theirs.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Engine, Select, select

from ocpp_soap.domain import station_requests as sr
from ocpp_soap.domain.message_log import Direction
from ocpp_soap.domain.model import (
    ChargingRateUnit,
    CompositeSchedule,
    InstalledChargingProfile,
    RunningTransaction,
    composite_schedule,
)
from ocpp_soap.operations.shapes import read
from ocpp_soap.persistence.orm import ChargingProfileRow, CommandLogRow, MessageLogRow, TransactionRow
from ocpp_soap.persistence.repositories.charging_profiles import installed_from_row

from .queries import Listing, Page, aware, iso, message_item, paged

TRIGGER_WINDOW = timedelta(seconds=60)
"""How long after a TriggerMessage the station's message still counts as its effect: the station answers first
and sends the message at once after (Spec §5.17); a minute leaves room for slow links."""

TRIGGER = sr.RequestTriggerMessage.operation


# -- charging profiles -------------------------------------------------------------------------------------------


def _profiles_query(charge_box_id: str) -> Select[Any]:
    return (
        select(ChargingProfileRow.__table__)
        .where(ChargingProfileRow.charge_box_id == charge_box_id)
        .order_by(ChargingProfileRow.connector_id, ChargingProfileRow.purpose, ChargingProfileRow.stack_level.desc(),
                  ChargingProfileRow.charging_profile_id)
    )


def installed_profiles(engine: Engine, charge_box_id: str) -> list[InstalledChargingProfile]:
    """The station's profiles as typed values: by connector, purpose, and highest stack level first."""
    with engine.connect() as connection:
        rows = connection.execute(_profiles_query(charge_box_id)).all()
    return [installed_from_row(row) for row in rows]


def profile_items(engine: Engine, charge_box_id: str) -> list[dict[str, Any]]:
    """The station's profiles as the API shows them (all of them: a station holds a handful)."""
    with engine.connect() as connection:
        return [profile_item(row) for row in connection.execute(_profiles_query(charge_box_id)).all()]


def list_profiles(engine: Engine, charge_box_id: str, page: Page) -> Listing:
    return paged(engine, _profiles_query(charge_box_id), page, profile_item)


def profile_item(row: Any) -> dict[str, Any]:
    return {
        "connectorId": row.connector_id,
        "chargingProfileId": row.charging_profile_id,
        "chargingProfilePurpose": row.purpose,
        "stackLevel": row.stack_level,
        "transactionId": row.transaction_id,
        "installedAt": iso(aware(row.installed_at)),
        "chargingProfile": row.profile,
    }


# -- composite schedules ------------------------------------------------------------------------------------------


def planned_schedule(
    engine: Engine,
    charge_box_id: str,
    connector_id: int,
    start: datetime,
    duration: int,
    unit: ChargingRateUnit = ChargingRateUnit.A,
) -> CompositeSchedule:
    """What the station's stored profiles allow on a connector from ``start`` on (limits of ``None``: unlimited),
    with the transaction open there, if any."""
    with engine.connect() as connection:
        running = connection.execute(
            select(TransactionRow.transaction_id, TransactionRow.started_at)
            .where(TransactionRow.charge_box_id == charge_box_id, TransactionRow.connector_id == connector_id,
                   TransactionRow.stopped_at.is_(None))
            .order_by(TransactionRow.started_at.desc())
            .limit(1)
        ).first()
    transaction = RunningTransaction(running.transaction_id, running.started_at) if running else None
    profiles = installed_profiles(engine, charge_box_id)
    return composite_schedule(profiles, connector_id, start, duration, unit, transaction=transaction)


@dataclass(frozen=True)
class ReportedSchedule:
    """A station's answer to GetCompositeSchedule, from the command log."""

    command_log_id: int
    requested_at: datetime
    answer: sr.GetCompositeScheduleAnswer


def reported_schedules(engine: Engine, charge_box_id: str, *, limit: int = 10) -> list[ReportedSchedule]:
    """The station's latest answered GetCompositeSchedule commands, newest first, with the answers typed."""
    with engine.connect() as connection:
        rows = connection.execute(
            select(CommandLogRow.id, CommandLogRow.requested_at, CommandLogRow.answer)
            .where(CommandLogRow.charge_box_id == charge_box_id,
                   CommandLogRow.operation == sr.RequestGetCompositeSchedule.operation,
                   CommandLogRow.outcome == sr.CallOutcome.ANSWERED.value)
            .order_by(CommandLogRow.requested_at.desc(), CommandLogRow.id.desc())
            .limit(limit)
        ).all()
    return [
        ReportedSchedule(row.id, row.requested_at, read(sr.GetCompositeScheduleAnswer, row.answer, strict=False))
        for row in rows
    ]


# -- what a TriggerMessage made the station send -------------------------------------------------------------------

_MESSAGE_COLUMNS = (
    MessageLogRow.id, MessageLogRow.at, MessageLogRow.direction, MessageLogRow.charge_box_id, MessageLogRow.operation,
    MessageLogRow.message_id, MessageLogRow.outcome, MessageLogRow.http_status, MessageLogRow.duration_ms,
    MessageLogRow.error,
)
_COMMAND_COLUMNS = (
    CommandLogRow.id, CommandLogRow.charge_box_id, CommandLogRow.requested_at, CommandLogRow.parameters,
    CommandLogRow.outcome, CommandLogRow.answer,
)


def triggered_messages(engine: Engine, command_log_id: int) -> list[dict[str, Any]]:
    """The message-log entries (without bodies) of what this TriggerMessage made the station send."""
    with engine.connect() as connection:
        command = connection.execute(select(*_COMMAND_COLUMNS).where(
            CommandLogRow.id == command_log_id, CommandLogRow.operation == TRIGGER)).first()
        if command is None:
            return []
        return [message_item(row) for row in _claimed(connection, command)]


def triggers_of(engine: Engine, messages: Sequence[dict[str, Any]]) -> dict[int, int]:
    """For message items (as :func:`~.queries.message_item` makes them), the TriggerMessage each one answered:
    message-log id -> command-log id, for those that answered one."""
    candidates = [m for m in messages if m["direction"] == Direction.FROM_STATION.value and m["chargeBoxId"]
                  and m["operation"] in _TRIGGERABLE]
    if not candidates:
        return {}
    times = [datetime.fromisoformat(m["at"]) for m in candidates]
    links: dict[int, int] = {}
    with engine.connect() as connection:
        commands = connection.execute(
            select(*_COMMAND_COLUMNS)
            .where(CommandLogRow.charge_box_id.in_({m["chargeBoxId"] for m in candidates}),
                   CommandLogRow.operation == TRIGGER,
                   CommandLogRow.requested_at >= min(times) - TRIGGER_WINDOW,
                   CommandLogRow.requested_at <= max(times))
        ).all()
        wanted = {m["id"] for m in candidates}
        for command in commands:
            for row in _claimed(connection, command):
                if row.id in wanted:
                    links[row.id] = command.id
    return links


_TRIGGERABLE = {trigger.value for trigger in sr.MessageTrigger}


def _accepted(command: Any) -> bool:
    answer = command.answer or {}
    return command.outcome == sr.CallOutcome.ANSWERED.value and answer.get("status") == sr.TriggerMessageStatus.ACCEPTED


def _claimed(connection: Connection, command: Any) -> list[Any]:
    """The message-log rows a TriggerMessage command claims (see the module's docstring)."""
    if not _accepted(command):
        return []
    parameters = command.parameters or {}
    try:
        requested = sr.MessageTrigger(str(parameters.get("requestedMessage")))
    except ValueError:
        return []
    sent_at: datetime = command.requested_at  # aware UTC: the column's type sees to it
    until = sent_at + TRIGGER_WINDOW
    later = connection.execute(
        select(CommandLogRow.id, CommandLogRow.requested_at, CommandLogRow.parameters)
        .where(CommandLogRow.charge_box_id == command.charge_box_id, CommandLogRow.operation == TRIGGER,
               CommandLogRow.requested_at >= sent_at, CommandLogRow.requested_at < until,
               CommandLogRow.id != command.id)
        .order_by(CommandLogRow.requested_at, CommandLogRow.id)
    ).all()
    for other in _same_message(later, requested, command.id, sent_at):
        until = min(until, other.requested_at)
    rows = connection.execute(
        select(*_MESSAGE_COLUMNS)
        .where(MessageLogRow.charge_box_id == command.charge_box_id,
               MessageLogRow.direction == Direction.FROM_STATION.value,
               MessageLogRow.operation == requested.value,
               MessageLogRow.at >= sent_at, MessageLogRow.at < until)
        .order_by(MessageLogRow.at, MessageLogRow.id)
    ).all()
    several = requested.per_connector and parameters.get("connectorId") is None
    return list(rows) if several else list(rows[:1])


def _same_message(rows: Iterable[Any], requested: sr.MessageTrigger, command_id: int, sent_at: datetime) -> list[Any]:
    """The later triggers of the same message (at the same instant, those logged after this one)."""
    return [
        row for row in rows
        if (row.parameters or {}).get("requestedMessage") == requested.value
        and (row.requested_at != sent_at or row.id > command_id)
    ]

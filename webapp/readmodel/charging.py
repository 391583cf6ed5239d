"""Smart charging and TriggerMessage (OCPP 1.6), for the pages and the API alike.

- A station's charging profiles as the gateway keeps its copy: as the API shows them
  (:class:`ChargingProfileItem`, :func:`list_profiles`, :func:`profile_items`) and as the domain's typed values
  (:func:`installed_profiles`), by connector, purpose, highest stack level first.
- Composite schedules to draw: what a station reported to GetCompositeSchedule, typed, from the command log
  (:func:`reported_schedules`, :func:`reported_schedule`), and what the stored profiles allow, computed by the
  domain's ``composite_schedule`` (:func:`planned_schedule`).
- What a TriggerMessage made a station send. The link is made when it is read, not stored: the messages of a
  trigger are the station's requests of the requested operation that arrived within :data:`TRIGGER_WINDOW` after
  the command was sent, and before the next trigger of the same message to that station; one message for a
  trigger that asks for one (a connector given, or a message that is not per connector), every such message for a
  StatusNotification or MeterValues trigger without a connector (one per connector). Only triggers the station
  answered Accepted have messages. This costs the station's requests nothing (no lookup on their path, no column
  to write), and it reads two indexes: the message log's (station, time) and the command log's (station, time).
  :func:`triggered_message_ids` goes from commands to their messages, :func:`triggers_of` from messages to theirs.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Annotated, Any

from pydantic import Field, WithJsonSchema
from sqlalchemy import Connection, Engine, Select, select

from ocpp_soap.persistence.orm import ChargingProfileRow, CommandLogRow, MessageLogRow, TransactionRow
from webapp import core

from .base import Listing, Page, Time, Value, aware, each, paged

TRIGGER = core.RequestTriggerMessage.operation
COMPOSITE = core.RequestGetCompositeSchedule.operation
TRIGGER_WINDOW = timedelta(seconds=60)
"""How long after a TriggerMessage the station's message still counts as its effect: the station answers first
and sends the message at once after (Spec §5.17); a minute leaves room for slow links."""
FROM_STATION = core.Direction.FROM_STATION.value
TRIGGERABLE = frozenset(trigger.value for trigger in core.MessageTrigger)
"""The operations a TriggerMessage can ask for: the only messages that may have been triggered."""

ProfileJson = Annotated[dict[str, Any],
                        WithJsonSchema({"allOf": [{"$ref": "#/components/schemas/ChargingProfile"}]})]
"""A charging profile under its OCPP names, as the station was sent it; its schema is :func:`profile_schemas`' (the
API document's components: ``allOf``, because pydantic would look a bare ``$ref`` up among its own models)."""


def profile_schemas() -> dict[str, dict[str, Any]]:
    """The schemas of a charging profile, its schedule and a period, each field described (from SetChargingProfile's
    operation spec), one per object so that the API document and its page can name and link them."""
    profile = copy.deepcopy(core.charging_profile_schema())
    schedule = profile["properties"]["chargingSchedule"]
    periods = schedule["properties"]["chargingSchedulePeriod"]
    period = periods.pop("items")
    periods["items"] = {"$ref": "#/components/schemas/ChargingSchedulePeriod"}
    profile["properties"]["chargingSchedule"] = {"$ref": "#/components/schemas/ChargingSchedule",
                                                 "description": schedule.pop("description", "The schedule")}
    profile["description"] = "A charging profile (OCPP 1.6) under its OCPP names"
    schedule["description"] = "A charging schedule: its periods, their unit, when and how long it runs"
    period["description"] = "One period of a schedule: from startPeriod on, at most limit"
    return {"ChargingProfile": profile, "ChargingSchedule": schedule, "ChargingSchedulePeriod": period}


# -- charging profiles -------------------------------------------------------------------------------------------


class ChargingProfileItem(Value):
    connector_id: int = Field(description="The connector it is installed on (0: the whole station)")
    charging_profile_id: int = Field(description="The profile's chargingProfileId (unique per station)")
    charging_profile_purpose: core.ChargingProfilePurpose = Field(
        description="ChargePointMaxProfile, TxDefaultProfile or TxProfile")
    stack_level: int = Field(description="Its stack level: at one time, the highest level valid prevails")
    transaction_id: int | None = Field(description="TxProfile only: the transaction it is for (null: the one "
                                                   "running on its connector)")
    installed_at: Time = Field(description="When the station accepted it")
    charging_profile: ProfileJson = Field(description="The whole profile as it was sent, under its OCPP names")


def _profiles_query(charge_box_id: str) -> Select[Any]:
    return (
        select(ChargingProfileRow.__table__)
        .where(ChargingProfileRow.charge_box_id == charge_box_id)
        .order_by(ChargingProfileRow.connector_id, ChargingProfileRow.purpose, ChargingProfileRow.stack_level.desc(),
                  ChargingProfileRow.charging_profile_id)
    )


def _item(row: Any) -> ChargingProfileItem:
    return ChargingProfileItem(
        connector_id=row.connector_id, charging_profile_id=row.charging_profile_id,
        charging_profile_purpose=core.ChargingProfilePurpose(row.purpose), stack_level=row.stack_level,
        transaction_id=row.transaction_id, installed_at=aware(row.installed_at), charging_profile=row.profile,
    )


def list_profiles(engine: Engine, charge_box_id: str, page: Page) -> Listing[ChargingProfileItem]:
    return paged(engine, _profiles_query(charge_box_id), page, each(_item))


def profile_items(engine: Engine, charge_box_id: str) -> list[ChargingProfileItem]:
    """All of the station's profiles (a station holds a handful), as the API shows them."""
    with engine.connect() as connection:
        return [_item(row) for row in connection.execute(_profiles_query(charge_box_id))]


def installed_profiles(engine: Engine, charge_box_id: str) -> list[core.InstalledChargingProfile]:
    """The station's profiles as the domain's typed values, in the same order."""
    with engine.connect() as connection:
        rows = connection.execute(_profiles_query(charge_box_id)).all()
    return [_installed(row) for row in rows]


def _installed(row: Any) -> core.InstalledChargingProfile:
    return core.InstalledChargingProfile(
        charge_box_id=row.charge_box_id, connector_id=row.connector_id,
        profile=core.from_wire(core.ChargingProfile, row.profile, strict=False),
        installed_at=aware(row.installed_at),
    )


def installed_profile(engine: Engine, charge_box_id: str, charging_profile_id: int
                      ) -> core.InstalledChargingProfile | None:
    with engine.connect() as connection:
        row = connection.execute(
            select(ChargingProfileRow.__table__).where(ChargingProfileRow.charge_box_id == charge_box_id,
                                                       ChargingProfileRow.charging_profile_id == charging_profile_id)
        ).first()
    return None if row is None else _installed(row)


# -- composite schedules ------------------------------------------------------------------------------------------


def planned_schedule(engine: Engine, charge_box_id: str, connector_id: int, start: datetime, duration: int,
                     unit: core.ChargingRateUnit = core.ChargingRateUnit.A) -> core.CompositeSchedule:
    """What the station's stored profiles allow on a connector from ``start`` on (limits of ``None``: unlimited),
    with the transaction open there, if any, as the domain computes it."""
    with engine.connect() as connection:
        running = connection.execute(
            select(TransactionRow.transaction_id, TransactionRow.started_at)
            .where(TransactionRow.charge_box_id == charge_box_id, TransactionRow.connector_id == connector_id,
                   TransactionRow.stopped_at.is_(None))
            .order_by(TransactionRow.started_at.desc())
            .limit(1)
        ).first()
    transaction = core.RunningTransaction(running.transaction_id, aware(running.started_at)) if running else None
    return core.composite_schedule(installed_profiles(engine, charge_box_id), connector_id, start, duration, unit,
                                   transaction=transaction)


@dataclass(frozen=True)
class ReportedSchedule:
    """A station's answer to GetCompositeSchedule, from the command log."""

    command_log_id: int
    requested_at: datetime
    parameters: Mapping[str, Any]
    answer: core.GetCompositeScheduleAnswer

    @property
    def duration(self) -> int | None:
        """The seconds the schedule covers: its own duration, else the duration asked for."""
        schedule = self.answer.charging_schedule
        if schedule is not None and schedule.duration:
            return schedule.duration
        asked = self.parameters.get("duration")
        return int(asked) if isinstance(asked, int) and asked > 0 else None


def reported_schedule(command_log_id: int, requested_at: datetime, parameters: Mapping[str, Any] | None,
                      answer: Mapping[str, Any] | None) -> ReportedSchedule | None:
    """A command-log entry's GetCompositeSchedule answer, typed (None when there is none, or it is not one)."""
    if not answer:
        return None
    try:
        typed = core.from_wire(core.GetCompositeScheduleAnswer, answer, strict=False)
    except (core.DomainError, ValueError, TypeError):
        return None
    return ReportedSchedule(command_log_id, requested_at, dict(parameters or {}), typed)


def reported_schedules(engine: Engine, charge_box_id: str, *, limit: int = 10) -> list[ReportedSchedule]:
    """The station's latest answered GetCompositeSchedule commands, newest first, with the answers typed."""
    with engine.connect() as connection:
        rows = connection.execute(
            select(CommandLogRow.id, CommandLogRow.requested_at, CommandLogRow.parameters, CommandLogRow.answer)
            .where(CommandLogRow.charge_box_id == charge_box_id, CommandLogRow.operation == COMPOSITE,
                   CommandLogRow.outcome == core.CallOutcome.ANSWERED.value)
            .order_by(CommandLogRow.requested_at.desc(), CommandLogRow.id.desc())
            .limit(limit)
        ).all()
    found = (reported_schedule(row.id, aware(row.requested_at), row.parameters, row.answer) for row in rows)
    return [schedule for schedule in found if schedule is not None]


def last_reported_schedule(engine: Engine, charge_box_id: str) -> ReportedSchedule | None:
    """The newest GetCompositeSchedule answer that carried a schedule."""
    return next((s for s in reported_schedules(engine, charge_box_id) if s.answer.charging_schedule is not None),
                None)


# -- what a TriggerMessage made the station send -------------------------------------------------------------------

_COMMAND_COLUMNS = (
    CommandLogRow.id, CommandLogRow.charge_box_id, CommandLogRow.requested_at, CommandLogRow.parameters,
    CommandLogRow.outcome, CommandLogRow.answer,
)


def triggered_message_ids(engine: Engine, command_log_ids: Iterable[int]) -> dict[int, list[int]]:
    """For TriggerMessage command-log entries, the message-log ids of what each made the station send (in time
    order); entries that are not TriggerMessages are left out."""
    ids = sorted(set(command_log_ids))
    if not ids:
        return {}
    with engine.connect() as connection:
        commands = connection.execute(
            select(*_COMMAND_COLUMNS).where(CommandLogRow.id.in_(ids), CommandLogRow.operation == TRIGGER)
        ).all()
        return {command.id: [row.id for row in _claimed(connection, command)] for command in commands}


@dataclass(frozen=True)
class MessageKey:
    """What deciding whether a message was triggered needs of a message-log entry."""

    id: int
    at: datetime
    direction: str
    charge_box_id: str | None
    operation: str | None


def triggers_of(engine: Engine, messages: Sequence[MessageKey]) -> dict[int, int]:
    """For message-log entries, the TriggerMessage each one answered: message-log id -> command-log id, for those
    that answered one."""
    candidates = [m for m in messages
                  if m.direction == FROM_STATION and m.charge_box_id and m.operation in TRIGGERABLE]
    if not candidates:
        return {}
    times = [m.at for m in candidates]
    wanted = {m.id for m in candidates}
    links: dict[int, int] = {}
    with engine.connect() as connection:
        commands = connection.execute(
            select(*_COMMAND_COLUMNS)
            .where(CommandLogRow.charge_box_id.in_({m.charge_box_id for m in candidates}),
                   CommandLogRow.operation == TRIGGER,
                   CommandLogRow.requested_at >= min(times) - TRIGGER_WINDOW,
                   CommandLogRow.requested_at <= max(times))
        ).all()
        for command in commands:
            for row in _claimed(connection, command):
                if row.id in wanted:
                    links[row.id] = command.id
    return links


def _accepted(command: Any) -> bool:
    answer = command.answer or {}
    return (command.outcome == core.CallOutcome.ANSWERED.value
            and answer.get("status") == core.TriggerMessageStatus.ACCEPTED.value)


def _claimed(connection: Connection, command: Any) -> list[Any]:
    """The message-log rows (id and time) a TriggerMessage command claims (see the module's docstring)."""
    if not _accepted(command):
        return []
    parameters = command.parameters or {}
    try:
        requested = core.MessageTrigger(str(parameters.get("requestedMessage")))
    except ValueError:
        return []
    sent_at = aware(command.requested_at)
    until = sent_at + TRIGGER_WINDOW
    later = connection.execute(
        select(CommandLogRow.id, CommandLogRow.requested_at, CommandLogRow.parameters)
        .where(CommandLogRow.charge_box_id == command.charge_box_id, CommandLogRow.operation == TRIGGER,
               CommandLogRow.requested_at >= sent_at, CommandLogRow.requested_at < until,
               CommandLogRow.id != command.id)
        .order_by(CommandLogRow.requested_at, CommandLogRow.id)
    ).all()
    for other in later:  # the next trigger of the same message (at the same instant: one logged after this one)
        other_at = aware(other.requested_at)
        if (other.parameters or {}).get("requestedMessage") == requested.value and (
                other_at != sent_at or other.id > command.id):
            until = min(until, other_at)
    rows = connection.execute(
        select(MessageLogRow.id, MessageLogRow.at)
        .where(MessageLogRow.charge_box_id == command.charge_box_id, MessageLogRow.direction == FROM_STATION,
               MessageLogRow.operation == requested.value, MessageLogRow.at >= sent_at, MessageLogRow.at < until)
        .order_by(MessageLogRow.at, MessageLogRow.id)
    ).all()
    several = requested.per_connector and parameters.get("connectorId") is None
    return list(rows) if several else list(rows[:1])

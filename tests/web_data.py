"""A fleet's worth of stored state for the web app's tests (pages, API, browser): stations in every state,
connectors, sessions (open with power, finished, a one-second one, refused starts), id tags (one expired, one
charging), a reservation, logged messages; and operator accounts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from ocpp_soap.bootstrap import Gateway
from ocpp_soap.domain.model import (
    AuthorizationStatus,
    ChargePointErrorCode,
    ConnectorStatus,
    ConnectorStatusChange,
    IdTag,
    Measurand,
    MeterReading,
    MeterValueBatch,
    Protocol,
    RegistrationStatus,
    Reservation,
    ReservationState,
    Role,
    SampledValue,
    Transaction,
    UnitOfMeasure,
)
from ocpp_soap.domain.operator_commands import CreateAccount
from ocpp_soap.passwords import hash_password
from tests.api.conftest import add_message, add_station

PASSWORD = "browser test password"


def add_account(gateway: Gateway, username: str, role: Role, password: str = PASSWORD) -> None:
    gateway.bus.handle(CreateAccount(username, hash_password(password), role))


def fleet(gateway: Gateway) -> dict[str, Any]:
    """Stations in every state, connectors, sessions (open with power, finished, a one-second one, refused
    starts), id tags (one expired, one charging), reservations, logged commands and messages."""
    now = datetime.now(UTC).replace(microsecond=0)
    add_station(gateway, "CB-ALPHA", address="http://127.0.0.1:9/cp", last_seen_at=now)
    add_station(gateway, "CB-BRAVO", address="http://127.0.0.1:9/cp2", last_seen_at=now, protocol=Protocol.OCPP12_SOAP)
    add_station(gateway, "CB-CHARLIE", last_seen_at=now - timedelta(days=3))
    add_station(gateway, "CB-NEW", status=RegistrationStatus.PENDING, protocol=None, last_seen_at=now)
    statuses = {("CB-ALPHA", 1): ConnectorStatus.OCCUPIED, ("CB-ALPHA", 2): ConnectorStatus.AVAILABLE,
                ("CB-BRAVO", 1): ConnectorStatus.FAULTED, ("CB-BRAVO", 2): ConnectorStatus.AVAILABLE,
                ("CB-CHARLIE", 1): ConnectorStatus.UNAVAILABLE}
    with gateway.uow_factory() as uow:
        for (station, connector), status in statuses.items():
            error = ChargePointErrorCode.GROUND_FAILURE if status is ConnectorStatus.FAULTED else ChargePointErrorCode.NO_ERROR
            uow.connectors.record_status(ConnectorStatusChange(station, connector, status, error, now - timedelta(minutes=5)))
        for tag, status, expiry in (("TAG-OK", AuthorizationStatus.ACCEPTED, None),
                                    ("TAG-OLD", AuthorizationStatus.ACCEPTED, now - timedelta(days=1)),
                                    ("TAG-BLOCKED", AuthorizationStatus.BLOCKED, None)):
            uow.id_tags.add(IdTag(tag, status, expiry))
        open_tx = Transaction("CB-ALPHA", 1, "TAG-OK", now - timedelta(hours=2), 12_000, AuthorizationStatus.ACCEPTED)
        open_id = uow.transactions.add(open_tx)
        readings = tuple(MeterReading(now - timedelta(hours=2) + timedelta(minutes=5 * i), (
            SampledValue(str(12_000 + 900 * i), measurand=Measurand.ENERGY_ACTIVE_IMPORT_REGISTER, unit=UnitOfMeasure.WH),
            SampledValue(str(round(11 - (i % 5) * 0.4, 1)), measurand=Measurand.POWER_ACTIVE_IMPORT, unit=UnitOfMeasure.KW),
        )) for i in range(24))
        uow.meter_values.add(MeterValueBatch("CB-ALPHA", 1, readings, now, open_id))
        done = Transaction("CB-BRAVO", 2, "TAG-OK", now - timedelta(days=1, hours=3), 5_000, AuthorizationStatus.ACCEPTED)
        done.stop(now - timedelta(days=1), 27_500, "TAG-OK", "EVDisconnected")
        done_id = uow.transactions.add(done)
        short = Transaction("CB-ALPHA", 2, "TAG-OK", now - timedelta(hours=5), 40_000, AuthorizationStatus.ACCEPTED)
        short.stop(now - timedelta(hours=5) + timedelta(seconds=1), 40_000, "TAG-OK", "Local")
        short_id = uow.transactions.add(short)
        for tag, status in (("TAG-UNKNOWN", AuthorizationStatus.INVALID), ("TAG-OK", AuthorizationStatus.CONCURRENT_TX)):
            refused = Transaction("CB-ALPHA", 2, tag, now - timedelta(minutes=30), 41_000, status)
            refused.stop(now - timedelta(minutes=30), 41_000, None, "DeAuthorized")
            uow.transactions.add(refused)
        uow.reservations.add(Reservation("CB-ALPHA", 2, "TAG-OK", now + timedelta(hours=1), now, state=ReservationState.ACCEPTED))
        uow.commit()
    add_message(gateway, "CB-ALPHA", "Heartbeat")
    add_message(gateway, "CB-BRAVO", "StatusNotification", outcome="sender-fault")
    return {"open": open_id, "done": done_id, "short": short_id}


def smart_charging(gateway: Gateway, charge_box_id: str, now: datetime | None = None) -> dict[str, int]:
    """What an OCPP 1.6 station's smart charging leaves stored: three charging profiles (a station-wide maximum,
    a default on connector 1 that a second one at a higher level overrides for an hour), a GetCompositeSchedule
    the station answered, and an accepted TriggerMessage with the StatusNotification it made the station send."""
    from ocpp_soap.domain import station_requests as sr
    from ocpp_soap.domain.message_log import Direction
    from ocpp_soap.domain.model import (
        ChargingProfile,
        ChargingProfileKind,
        ChargingProfilePurpose,
        ChargingRateUnit,
        ChargingSchedule,
        ChargingSchedulePeriod,
        InstalledChargingProfile,
    )
    from tests.api.conftest import add_message

    now = (now or datetime.now(UTC)).replace(microsecond=0)
    start = now.replace(minute=0, second=0)
    profiles = [
        (0, ChargingProfile(1, 0, ChargingProfilePurpose.CHARGE_POINT_MAX_PROFILE, ChargingProfileKind.ABSOLUTE,
                            ChargingSchedule(ChargingRateUnit.A, (ChargingSchedulePeriod(0, Decimal(32)),
                                                                  ChargingSchedulePeriod(6 * 3600, Decimal("20.5"))),
                                             start_schedule=start))),
        (1, ChargingProfile(2, 0, ChargingProfilePurpose.TX_DEFAULT_PROFILE, ChargingProfileKind.RELATIVE,
                            ChargingSchedule(ChargingRateUnit.A, (ChargingSchedulePeriod(0, Decimal(16)),)))),
        (1, ChargingProfile(3, 1, ChargingProfilePurpose.TX_DEFAULT_PROFILE, ChargingProfileKind.ABSOLUTE,
                            ChargingSchedule(ChargingRateUnit.W, (ChargingSchedulePeriod(0, Decimal(7360), 1),),
                                             duration=3600, start_schedule=start + timedelta(hours=2)),
                            valid_to=start + timedelta(days=2))),
    ]
    with gateway.uow_factory() as uow:
        for connector_id, profile in profiles:
            uow.charging_profiles.add(InstalledChargingProfile(charge_box_id, connector_id, profile,
                                                               now - timedelta(minutes=20)))
        composite = sr.GetCompositeScheduleAnswer(
            sr.GetCompositeScheduleStatus.ACCEPTED, 1, now - timedelta(minutes=10),
            ChargingSchedule(ChargingRateUnit.A, (ChargingSchedulePeriod(0, Decimal(16)),
                                                  ChargingSchedulePeriod(1800, Decimal(10), 1),
                                                  ChargingSchedulePeriod(5400, Decimal(32))), duration=7200))
        schedule_id = uow.command_log.add(sr.CommandLogEntry(
            charge_box_id, sr.RequestGetCompositeSchedule(charge_box_id, 1, 7200), now - timedelta(minutes=10),
            sr.CallOutcome.ANSWERED, composite, None, 12.0, None, None, "admin"))
        trigger_id = uow.command_log.add(sr.CommandLogEntry(
            charge_box_id, sr.RequestTriggerMessage(charge_box_id, sr.MessageTrigger.STATUS_NOTIFICATION, 1),
            now - timedelta(minutes=5), sr.CallOutcome.ANSWERED,
            sr.TriggerMessageAnswer(sr.TriggerMessageStatus.ACCEPTED), None, 8.0, None, None, "admin"))
        uow.commit()
    status = add_message(gateway, charge_box_id, "StatusNotification", at=now - timedelta(minutes=5) + timedelta(seconds=1),
                         direction=Direction.FROM_STATION)
    return {"composite": schedule_id, "trigger": trigger_id, "triggered": status}

"""Fixtures for the REST API: the web app with the API blueprint, a test client, a token, and stored state."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from ocpp_soap.bootstrap import Gateway
from ocpp_soap.config import Settings
from ocpp_soap.domain.message_log import Direction, MessageLogEntry
from ocpp_soap.domain.model import (
    AuthorizationStatus,
    BootDetails,
    ChargePointErrorCode,
    ConnectorStatus,
    ConnectorStatusChange,
    Measurand,
    MeterReading,
    MeterValueBatch,
    Protocol,
    RegistrationStatus,
    Reservation,
    ReservationState,
    SampledValue,
    Station,
    Transaction,
    UnitOfMeasure,
)

TOKEN = "s3cret-test-token-0123456789"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
NOW = datetime.now(UTC).replace(microsecond=0)


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(database_url=database_url, auto_accept=False, api_token=TOKEN, command_timeout=1)


def add_station(
    gateway: Gateway,
    charge_box_id: str,
    *,
    status: RegistrationStatus = RegistrationStatus.ACCEPTED,
    protocol: Protocol | None = Protocol.OCPP15_SOAP,
    address: str | None = None,
    last_seen_at: datetime | None = None,
) -> str:
    with gateway.uow_factory() as uow:
        uow.stations.add(
            Station(
                charge_box_id,
                status,
                protocol=protocol,
                endpoint_address=address,
                address_problem=None if address else "the BootNotification carried no usable address",
                last_seen_at=last_seen_at,
                details=BootDetails("Vendor", "Model", firmware_version="1.0"),
            )
        )
        uow.commit()
    return charge_box_id


def add_connector(gateway: Gateway, charge_box_id: str, connector_id: int, status: ConnectorStatus) -> None:
    with gateway.uow_factory() as uow:
        uow.connectors.record_status(
            ConnectorStatusChange(charge_box_id, connector_id, status, ChargePointErrorCode.NO_ERROR, NOW)
        )
        uow.commit()


def add_transaction(
    gateway: Gateway, charge_box_id: str, id_tag: str, started_at: datetime, *, stopped: bool = False,
    meter_values: int = 0,
) -> int:
    with gateway.uow_factory() as uow:
        transaction = Transaction(charge_box_id, 1, id_tag, started_at, 1000, AuthorizationStatus.ACCEPTED)
        if stopped:
            transaction.stop(started_at + timedelta(hours=1), 5000, id_tag, "Local")
        transaction_id = uow.transactions.add(transaction)
        if meter_values:
            readings = tuple(
                MeterReading(
                    started_at + timedelta(minutes=i),
                    (SampledValue(str(1000 + 100 * i), measurand=Measurand.ENERGY_ACTIVE_IMPORT_REGISTER,
                                  unit=UnitOfMeasure.WH),),
                )
                for i in range(meter_values)
            )
            uow.meter_values.add(MeterValueBatch(charge_box_id, 1, readings, started_at, transaction_id))
        uow.commit()
    return transaction_id


def add_message(
    gateway: Gateway, charge_box_id: str | None, operation: str, *, outcome: str = "ok", at: datetime = NOW,
    direction: Direction = Direction.FROM_STATION,
) -> int:
    """A message-log entry, as the SOAP edge writes it; returns its id."""
    from sqlalchemy import func, select

    from ocpp_soap.persistence.orm import MessageLogRow

    with gateway.uow_factory() as uow:
        uow.message_log.add(MessageLogEntry(
            at=at, direction=direction, charge_box_id=charge_box_id, operation=operation, message_id="urn:uuid:1",
            outcome=outcome, http_status=200 if outcome in ("ok", "answered") else 400, duration_ms=1.5,
            request=f"<{operation}Request/>", response=f"<{operation}Response/>",
            error=None if outcome in ("ok", "answered") else "bad",
        ))
        uow.commit()
    with gateway.engine.connect() as connection:
        return int(connection.execute(select(func.max(MessageLogRow.id))).scalar_one())


def add_reservation(gateway: Gateway, charge_box_id: str, *, state: ReservationState = ReservationState.ACCEPTED) -> int:
    with gateway.uow_factory() as uow:
        reservation_id = uow.reservations.add(
            Reservation(charge_box_id, 1, "TAG1", NOW + timedelta(hours=1), NOW, state=state)
        )
        uow.commit()
    return reservation_id

"""The SQLAlchemy repositories and unit of work against a real SQLite file."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select, text
from sqlalchemy.exc import IntegrityError

from ocpp_soap.bootstrap import bootstrap
from ocpp_soap.config import Settings
from ocpp_soap.domain import station_messages as messages
from ocpp_soap.domain.errors import ConcurrencyConflict
from ocpp_soap.domain.model import (
    AuthorizationStatus,
    BootDetails,
    ChargePointErrorCode,
    ConnectorStatus,
    ConnectorStatusChange,
    DataTransferRecord,
    DataTransferStatus,
    DiagnosticsStatus,
    FirmwareStatus,
    IdTag,
    Location,
    Measurand,
    MeterReading,
    MeterValueBatch,
    Protocol,
    ReadingContext,
    RegistrationStatus,
    SampledValue,
    Station,
    StationOrigin,
    Transaction,
    UnitOfMeasure,
    UnknownTransactionStop,
    ValueFormat,
)
from ocpp_soap.persistence.database import create_database_engine, create_schema, create_session_factory
from ocpp_soap.persistence.orm import (
    ConnectorRow,
    ConnectorStatusRow,
    DataTransferRow,
    MeterValueRow,
    StationRow,
    TransactionRow,
    UnknownTransactionStopRow,
)
from ocpp_soap.persistence.unit_of_work import SqlAlchemyUnitOfWork

NOW = datetime(2024, 5, 1, 12, 0, 0, 123456, tzinfo=UTC)
CEST = timezone(timedelta(hours=2))
ADDRESS = "http://192.0.2.10:8080/ChargePointService"

UowFactory = Callable[[], SqlAlchemyUnitOfWork]


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    engine = create_database_engine(f"sqlite:///{tmp_path / 'repositories.sqlite3'}")
    create_schema(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def new_uow(engine: Engine) -> UowFactory:
    session_factory = create_session_factory(engine)
    return lambda: SqlAlchemyUnitOfWork(session_factory)


def count(engine: Engine, row_type: type) -> int:
    with engine.connect() as connection:
        return int(connection.scalar(select(func.count()).select_from(row_type)) or 0)


def full_station(charge_box_id: str = "CB1") -> Station:
    return Station(
        charge_box_id=charge_box_id,
        registration_status=RegistrationStatus.ACCEPTED,
        protocol=Protocol.OCPP15_SOAP,
        endpoint_address=ADDRESS,
        address_problem=None,
        details=BootDetails(
            charge_point_vendor="ACME",
            charge_point_model="Wallbox 1",
            charge_point_serial_number="CP-SN",
            charge_box_serial_number="CB-SN",
            firmware_version="1.2.3",
            iccid="8931",
            imsi="2620",
            meter_type="M1",
            meter_serial_number="M-SN",
        ),
        boot_count=3,
        first_seen_at=NOW - timedelta(days=1),
        last_boot_at=NOW - timedelta(hours=1),
        last_seen_at=NOW,
        firmware_status=FirmwareStatus.INSTALLED,
        firmware_status_at=NOW,
        diagnostics_status=DiagnosticsStatus.UPLOAD_FAILED,
        diagnostics_status_at=NOW,
    )


def add_station(new_uow: UowFactory, station: Station | None = None) -> Station:
    station = station or full_station()
    with new_uow() as uow:
        uow.stations.add(station)
        uow.commit()
    return station


def open_transaction(
    charge_box_id: str = "CB1", id_tag: str = "TAG1", status: AuthorizationStatus = AuthorizationStatus.ACCEPTED
) -> Transaction:
    return Transaction(charge_box_id, 1, id_tag, NOW, 1000, status, reservation_id=5)


def add_transaction(new_uow: UowFactory, transaction: Transaction | None = None) -> int:
    with new_uow() as uow:
        transaction_id = uow.transactions.add(transaction or open_transaction())
        uow.commit()
    return transaction_id


def assert_utc(value: datetime | None) -> None:
    assert value is not None
    assert value.tzinfo is not None
    assert value.utcoffset() == timedelta(0)


# --- Stations -------------------------------------------------------------------------------------------------------


def test_station_round_trip(new_uow: UowFactory) -> None:
    station = add_station(new_uow)
    with new_uow() as uow:
        loaded = uow.stations.get("CB1")
    assert loaded == station
    assert loaded is not station
    assert loaded.protocol is Protocol.OCPP15_SOAP
    assert loaded.registration_status is RegistrationStatus.ACCEPTED


def test_unknown_station_is_none(new_uow: UowFactory) -> None:
    with new_uow() as uow:
        assert uow.stations.get("NOBODY") is None


def test_a_station_that_never_booted_round_trips_without_details(new_uow: UowFactory) -> None:
    station = add_station(new_uow, Station("CB1", RegistrationStatus.PENDING))
    with new_uow() as uow:
        loaded = uow.stations.get("CB1")
    assert loaded == station
    assert loaded.details is None
    assert loaded.protocol is None
    assert loaded.address_problem == station.address_problem


def test_station_save_updates_the_row(new_uow: UowFactory, engine: Engine) -> None:
    add_station(new_uow)
    with new_uow() as uow:
        station = uow.stations.get("CB1")
        station.registration_status = RegistrationStatus.REJECTED
        station.protocol = Protocol.OCPP12_SOAP
        station.endpoint_address = None
        station.address_problem = "wsa:From is the anonymous address"
        station.boot_count += 1
        station.details = None
        uow.stations.save(station)
        uow.commit()
    with new_uow() as uow:
        assert uow.stations.get("CB1") == station
    assert count(engine, StationRow) == 1


def test_save_without_an_earlier_get_finds_the_row(new_uow: UowFactory) -> None:
    add_station(new_uow)
    changed = full_station()
    changed.boot_count = 99
    with new_uow() as uow:
        uow.stations.save(changed)
        uow.commit()
    with new_uow() as uow:
        assert uow.stations.get("CB1").boot_count == 99


def test_save_of_a_new_station_adds_it(new_uow: UowFactory) -> None:
    with new_uow() as uow:
        uow.stations.save(full_station("NEW"))
        uow.commit()
    with new_uow() as uow:
        assert uow.stations.get("NEW") == full_station("NEW")


def test_a_second_first_boot_of_one_station_is_a_concurrency_conflict(new_uow: UowFactory) -> None:
    add_station(new_uow)
    with pytest.raises(ConcurrencyConflict):
        with new_uow() as uow:
            uow.stations.add(full_station())
            uow.commit()


# --- Timestamps -----------------------------------------------------------------------------------------------------


def test_timestamps_come_back_timezone_aware_utc(new_uow: UowFactory) -> None:
    station = full_station()
    station.last_seen_at = datetime(2024, 5, 1, 14, 0, tzinfo=CEST)  # stored as 12:00 UTC
    station.first_seen_at = datetime(2024, 5, 1, 12, 0)  # naive: taken as UTC
    add_station(new_uow, station)
    add_transaction(new_uow)

    with new_uow() as uow:
        loaded = uow.stations.get("CB1")
        transaction = uow.transactions.get(1)
    for value in (
        loaded.first_seen_at,
        loaded.last_boot_at,
        loaded.last_seen_at,
        loaded.firmware_status_at,
        loaded.diagnostics_status_at,
        transaction.started_at,
    ):
        assert_utc(value)
    assert loaded.last_seen_at == datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
    assert loaded.first_seen_at == datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
    assert transaction.started_at == NOW  # microseconds survive


def test_timestamps_are_stored_as_utc(new_uow: UowFactory, engine: Engine) -> None:
    station = full_station()
    station.last_seen_at = datetime(2024, 5, 1, 14, 0, tzinfo=CEST)
    add_station(new_uow, station)
    with engine.connect() as connection:
        raw = connection.scalar(text("SELECT last_seen_at FROM stations"))
    assert str(raw).startswith("2024-05-01 12:00:00")


# --- Id tags --------------------------------------------------------------------------------------------------------


def test_id_tag_round_trip(new_uow: UowFactory) -> None:
    tags = [
        IdTag("T1", AuthorizationStatus.ACCEPTED, datetime(2025, 1, 1, 2, 0, tzinfo=CEST), "PARENT"),
        IdTag("T2", AuthorizationStatus.BLOCKED),
    ]
    with new_uow() as uow:
        for tag in tags:
            uow.id_tags.add(tag)
        uow.commit()
    with new_uow() as uow:
        assert uow.id_tags.get("T1") == tags[0]
        assert uow.id_tags.get("T2") == tags[1]
        assert uow.id_tags.get("T3") is None
        assert_utc(uow.id_tags.get("T1").expiry_date)


# --- Transactions ---------------------------------------------------------------------------------------------------


def test_transaction_round_trip_with_database_assigned_ids(new_uow: UowFactory) -> None:
    add_station(new_uow)
    transaction = open_transaction()
    with new_uow() as uow:
        first = uow.transactions.add(transaction)
        second = uow.transactions.add(open_transaction(id_tag="TAG2"))
        uow.commit()
    assert isinstance(first, int) and first != second
    assert transaction.transaction_id == first  # the domain object learns its id
    with new_uow() as uow:
        loaded = uow.transactions.get(first)
        assert uow.transactions.get(second).id_tag == "TAG2"
        assert uow.transactions.get(9999) is None
    assert loaded == transaction
    assert loaded.start_status is AuthorizationStatus.ACCEPTED
    assert loaded.is_open


def test_transaction_ids_are_not_reused_after_a_rollback(new_uow: UowFactory) -> None:
    add_station(new_uow)
    first = add_transaction(new_uow)
    with new_uow() as uow:
        uow.transactions.add(open_transaction())  # rolled back
    third = add_transaction(new_uow)
    assert third > first


def test_stop_and_save_closes_the_transaction(new_uow: UowFactory) -> None:
    add_station(new_uow)
    transaction_id = add_transaction(new_uow)
    with new_uow() as uow:
        transaction = uow.transactions.get(transaction_id)
        transaction.stop(NOW + timedelta(hours=2), 9000, "TAG1", "Local")
        uow.transactions.save(transaction)
        uow.commit()
    with new_uow() as uow:
        loaded = uow.transactions.get(transaction_id)
    assert loaded == transaction
    assert not loaded.is_open
    assert_utc(loaded.stopped_at)


def test_has_open_for_tag(new_uow: UowFactory) -> None:
    add_station(new_uow)
    accepted_id = add_transaction(new_uow, open_transaction(id_tag="TAG1"))
    add_transaction(new_uow, open_transaction(id_tag="REFUSED", status=AuthorizationStatus.INVALID))
    add_transaction(new_uow, open_transaction(id_tag="CONC", status=AuthorizationStatus.CONCURRENT_TX))

    with new_uow() as uow:
        assert uow.transactions.has_open_for_tag("TAG1") is True
        assert uow.transactions.has_open_for_tag("REFUSED") is False  # open, but never charged
        assert uow.transactions.has_open_for_tag("CONC") is False
        assert uow.transactions.has_open_for_tag("OTHER") is False
        assert uow.transactions.has_open_for_tag("tag1") is False  # id tags compare exactly

    with new_uow() as uow:
        transaction = uow.transactions.get(accepted_id)
        transaction.stop(NOW, 2000, None, None)
        uow.transactions.save(transaction)
        assert uow.transactions.has_open_for_tag("TAG1") is False  # seen inside the same transaction
        uow.commit()
    with new_uow() as uow:
        assert uow.transactions.has_open_for_tag("TAG1") is False


def test_a_transaction_of_an_unknown_station_is_refused_and_is_no_conflict(new_uow: UowFactory) -> None:
    with pytest.raises(IntegrityError):
        with new_uow() as uow:
            uow.transactions.add(open_transaction("NOBODY"))


def test_unknown_stop_is_recorded(new_uow: UowFactory, engine: Engine) -> None:
    add_station(new_uow)
    with new_uow() as uow:
        uow.transactions.add_unknown_stop(UnknownTransactionStop("CB1", 4711, NOW, 5000, "TAG1", "PowerLoss"))
        uow.commit()
    with engine.connect() as connection:
        row = connection.execute(select(UnknownTransactionStopRow)).one()
    assert (row.charge_box_id, row.reported_transaction_id, row.meter_stop, row.id_tag, row.reason) == (
        "CB1",
        4711,
        5000,
        "TAG1",
        "PowerLoss",
    )


# --- Meter values ---------------------------------------------------------------------------------------------------


def test_meter_value_batch_stores_one_row_per_sampled_value(new_uow: UowFactory, engine: Engine) -> None:
    add_station(new_uow)
    transaction_id = add_transaction(new_uow)
    full = SampledValue(
        "1234.5",
        ReadingContext.SAMPLE_PERIODIC,
        ValueFormat.RAW,
        Measurand.ENERGY_ACTIVE_IMPORT_REGISTER,
        Location.OUTLET,
        UnitOfMeasure.WH,
    )
    batch = MeterValueBatch(
        charge_box_id="CB1",
        connector_id=1,
        readings=(
            MeterReading(NOW, (full, SampledValue("230"))),
            MeterReading(NOW + timedelta(minutes=1), (SampledValue("1300"),)),
        ),
        received_at=NOW,
        transaction_id=transaction_id,
        reported_transaction_id=transaction_id,
        source="StopTransaction",
    )
    with new_uow() as uow:
        assert uow.meter_values.add(batch) == 3
        assert uow.meter_values.add(MeterValueBatch("CB1", 0, (), NOW)) == 0
        uow.commit()

    with engine.connect() as connection:
        rows = connection.execute(select(MeterValueRow).order_by(MeterValueRow.id)).all()
    assert len(rows) == 3
    assert {(r.transaction_id, r.reported_transaction_id, r.source, r.connector_id) for r in rows} == {
        (transaction_id, transaction_id, "StopTransaction", 1)
    }
    first = rows[0]
    assert (first.value, first.context, first.format, first.measurand, first.location, first.unit) == (
        "1234.5",
        "Sample.Periodic",
        "Raw",
        "Energy.Active.Import.Register",
        "Outlet",
        "Wh",
    )
    assert (rows[1].value, rows[1].context, rows[1].unit) == ("230", None, None)
    assert rows[2].value == "1300"


def test_meter_values_for_an_unknown_transaction_keep_the_reported_id(new_uow: UowFactory, engine: Engine) -> None:
    add_station(new_uow)
    with new_uow() as uow:
        uow.meter_values.add(MeterValueBatch("CB1", 1, (MeterReading(NOW, (SampledValue("1"),)),), NOW, None, 777))
        uow.commit()
    with engine.connect() as connection:
        row = connection.execute(select(MeterValueRow)).one()
    assert (row.transaction_id, row.reported_transaction_id, row.source) == (None, 777, "MeterValues")


# --- Connectors -----------------------------------------------------------------------------------------------------


def status(connector_id: int, value: ConnectorStatus, at: datetime, **extra: object) -> ConnectorStatusChange:
    error = extra.pop("error_code", ChargePointErrorCode.NO_ERROR)
    return ConnectorStatusChange("CB1", connector_id, value, error, at, **extra)  # type: ignore[arg-type]


def connector_rows(engine: Engine) -> dict[int, ConnectorRow]:
    with engine.connect() as connection:
        return {r.connector_id: r for r in connection.execute(select(ConnectorRow)).all()}


def test_connector_status_upsert_keeps_current_row_and_history(new_uow: UowFactory, engine: Engine) -> None:
    add_station(new_uow)
    with new_uow() as uow:
        uow.connectors.record_status(
            status(
                1,
                ConnectorStatus.FAULTED,
                NOW,
                error_code=ChargePointErrorCode.GROUND_FAILURE,
                info="RCD",
                timestamp=NOW - timedelta(seconds=5),
                vendor_id="ACME",
                vendor_error_code="E1",
            )
        )
        uow.commit()
    current = connector_rows(engine)[1]
    assert (current.status, current.error_code, current.info, current.vendor_id, current.vendor_error_code) == (
        "Faulted",
        "GroundFailure",
        "RCD",
        "ACME",
        "E1",
    )

    later = NOW + timedelta(minutes=1)
    with new_uow() as uow:
        uow.connectors.record_status(status(1, ConnectorStatus.AVAILABLE, later))
        uow.connectors.record_status(status(2, ConnectorStatus.OCCUPIED, later))
        uow.commit()

    rows = connector_rows(engine)
    assert set(rows) == {1, 2}
    assert (rows[1].status, rows[1].error_code, rows[1].info, rows[1].vendor_id, rows[1].status_timestamp) == (
        "Available",
        "NoError",
        None,
        None,
        None,
    )
    assert rows[2].status == "Occupied"
    assert count(engine, ConnectorRow) == 2
    assert count(engine, ConnectorStatusRow) == 3


def test_connector_status_twice_in_one_unit_of_work(new_uow: UowFactory, engine: Engine) -> None:
    add_station(new_uow)
    with new_uow() as uow:
        uow.connectors.record_status(status(1, ConnectorStatus.OCCUPIED, NOW))
        uow.connectors.record_status(status(1, ConnectorStatus.AVAILABLE, NOW + timedelta(seconds=1)))
        uow.commit()
    assert connector_rows(engine)[1].status == "Available"
    assert count(engine, ConnectorStatusRow) == 2


def test_connector_status_insert_race_falls_back_to_update(new_uow: UowFactory, engine: Engine) -> None:
    """A concurrent worker inserted the connector between our look-up and our insert: we update its row."""
    add_station(new_uow)
    with new_uow() as uow:
        uow.connectors.record_status(status(1, ConnectorStatus.OCCUPIED, NOW))
        uow.commit()

    with new_uow() as uow:
        real_get = uow.session.get
        calls = {"n": 0}

        def get_missing_once(entity: type, key: object, **kwargs: object) -> object:
            if entity is ConnectorRow and calls["n"] == 0:
                calls["n"] += 1
                return None  # as if the row did not exist yet when we looked
            return real_get(entity, key, **kwargs)

        uow.session.get = get_missing_once  # type: ignore[method-assign]
        uow.connectors.record_status(status(1, ConnectorStatus.FAULTED, NOW + timedelta(seconds=1)))
        uow.commit()

    assert connector_rows(engine)[1].status == "Faulted"
    assert count(engine, ConnectorStatusRow) == 2  # the history row survived the savepoint's rollback


# --- Data transfers -------------------------------------------------------------------------------------------------


def test_data_transfer_is_recorded(new_uow: UowFactory, engine: Engine) -> None:
    add_station(new_uow)
    with new_uow() as uow:
        uow.data_transfers.add(
            DataTransferRecord("CB1", "ACME", "ping", "payload", DataTransferStatus.ACCEPTED, "pong", NOW)
        )
        uow.commit()
    with engine.connect() as connection:
        row = connection.execute(select(DataTransferRow)).one()
    assert (row.vendor_id, row.message_id, row.data, row.status, row.response_data) == (
        "ACME",
        "ping",
        "payload",
        "Accepted",
        "pong",
    )


# --- The unit of work -----------------------------------------------------------------------------------------------


def test_an_exception_rolls_everything_back(new_uow: UowFactory, engine: Engine) -> None:
    with pytest.raises(RuntimeError, match="boom"):
        with new_uow() as uow:
            uow.stations.add(full_station())
            uow.id_tags.add(IdTag("T1", AuthorizationStatus.ACCEPTED))
            uow.transactions.add(open_transaction())  # flushed, so really in the database transaction
            uow.connectors.record_status(status(1, ConnectorStatus.AVAILABLE, NOW))
            raise RuntimeError("boom")

    for row_type in (StationRow, TransactionRow, ConnectorRow, ConnectorStatusRow):
        assert count(engine, row_type) == 0, row_type.__name__
    with new_uow() as uow:
        assert uow.stations.get("CB1") is None
        assert uow.id_tags.get("T1") is None


def test_leaving_without_commit_keeps_nothing(new_uow: UowFactory, engine: Engine) -> None:
    with new_uow() as uow:
        uow.stations.add(full_station())
    assert count(engine, StationRow) == 0


def test_explicit_rollback_discards_earlier_work(new_uow: UowFactory, engine: Engine) -> None:
    with new_uow() as uow:
        uow.stations.add(full_station())
        uow.rollback()
        uow.stations.add(full_station("CB2"))
        uow.commit()
    with new_uow() as uow:
        assert uow.stations.get("CB1") is None
        assert uow.stations.get("CB2") is not None


def test_each_unit_of_work_starts_without_events(new_uow: UowFactory) -> None:
    uow = new_uow()
    with uow:
        uow.events.append(object())  # type: ignore[arg-type]
    with uow:
        assert uow.events == []


# --- The handlers over real storage ---------------------------------------------------------------------------------


def test_a_charging_session_through_the_bus_on_sqlite(tmp_path: Path) -> None:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'gateway.sqlite3'}", auto_accept=True)
    gateway = bootstrap(settings, clock=lambda: NOW)
    try:
        bus = gateway.bus
        origin = StationOrigin("CB1", Protocol.OCPP15_SOAP, ADDRESS)
        assert bus.handle(messages.BootChargingStation(origin, BootDetails("ACME", "W1"))).status == "Accepted"
        with gateway.uow_factory() as uow:
            uow.id_tags.add(IdTag("TAG1", AuthorizationStatus.ACCEPTED))
            uow.commit()

        started = bus.handle(messages.StartTransaction(origin, 1, "TAG1", NOW, 100))
        assert started.id_tag_info.status is AuthorizationStatus.ACCEPTED
        again = bus.handle(messages.StartTransaction(origin, 2, "TAG1", NOW, 100))
        assert again.id_tag_info.status is AuthorizationStatus.CONCURRENT_TX
        assert again.transaction_id != started.transaction_id

        reading = MeterReading(NOW, (SampledValue("150"),))
        bus.handle(messages.RecordMeterValues(origin, 1, (reading,), started.transaction_id))
        bus.handle(messages.UpdateConnectorStatus(origin, 1, ConnectorStatus.OCCUPIED, ChargePointErrorCode.NO_ERROR))
        stopped = bus.handle(
            messages.StopTransaction(origin, started.transaction_id, NOW, 200, "TAG1", transaction_data=(reading,))
        )
        assert stopped.id_tag_info.status is AuthorizationStatus.ACCEPTED
        bus.handle(messages.StopTransaction(origin, 4711, NOW, 300))

        with gateway.uow_factory() as uow:
            station = uow.stations.get("CB1")
            assert station.last_seen_at == NOW
            assert not uow.transactions.get(started.transaction_id).is_open
            assert uow.transactions.has_open_for_tag("TAG1") is False
        assert count(gateway.engine, MeterValueRow) == 2
        assert count(gateway.engine, UnknownTransactionStopRow) == 1
        assert count(gateway.engine, ConnectorRow) == 1
    finally:
        gateway.engine.dispose()

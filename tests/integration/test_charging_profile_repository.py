"""The charging-profile repository on a real database (SQLite, or PostgreSQL when OCPP_SOAP_TEST_DATABASE_URL names
one): every field of a profile kept, a profile id once per station, removal, and the station's deletion taking
its profiles along."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import Engine, func, select

from ocpp_soap.domain.model import (
    ChargingProfile,
    ChargingProfileKind,
    ChargingProfilePurpose,
    ChargingRateUnit,
    ChargingSchedule,
    ChargingSchedulePeriod,
    InstalledChargingProfile,
    Protocol,
    RecurrencyKind,
    RegistrationStatus,
    Station,
)
from ocpp_soap.persistence.database import create_database_engine, create_session_factory
from ocpp_soap.persistence.orm import ChargingProfileRow
from ocpp_soap.persistence.schema import upgrade
from ocpp_soap.persistence.unit_of_work import SqlAlchemyUnitOfWork

NOW = datetime(2026, 11, 24, 12, 0, 0, 250000, tzinfo=UTC)

UowFactory = Callable[[], SqlAlchemyUnitOfWork]


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    """The test database at the newest revision (a SQLite file starts empty: the migrations make it)."""
    engine = create_database_engine(database_url)
    upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def new_uow(engine: Engine) -> UowFactory:
    session_factory = create_session_factory(engine)
    factory: UowFactory = lambda: SqlAlchemyUnitOfWork(session_factory)  # noqa: E731
    with factory() as uow:
        for charge_box_id in ("CB", "OTHER"):
            uow.stations.add(Station(charge_box_id, RegistrationStatus.ACCEPTED, protocol=Protocol.OCPP15_SOAP))
        uow.commit()
    return factory


FULL = ChargingProfile(
    charging_profile_id=2**31 - 1,
    stack_level=3,
    purpose=ChargingProfilePurpose.TX_DEFAULT_PROFILE,
    kind=ChargingProfileKind.RECURRING,
    schedule=ChargingSchedule(
        ChargingRateUnit.W,
        (ChargingSchedulePeriod(0, Decimal("11000"), 3), ChargingSchedulePeriod(3600, Decimal("7360.5"), 1),
         ChargingSchedulePeriod(7200, Decimal("0"))),
        duration=86400,
        start_schedule=datetime(2026, 11, 24, 6, 0, tzinfo=UTC),
        min_charging_rate=Decimal("1380.0"),
    ),
    recurrency_kind=RecurrencyKind.WEEKLY,
    valid_from=NOW,
    valid_to=NOW + timedelta(days=30),
)


def installed(profile_id: int, connector_id: int = 1, station: str = "CB", **changes: Any) -> InstalledChargingProfile:
    return InstalledChargingProfile(station, connector_id, replace(FULL, charging_profile_id=profile_id, **changes), NOW)


def test_every_field_is_kept(new_uow: UowFactory) -> None:
    with new_uow() as uow:
        uow.charging_profiles.add(installed(FULL.charging_profile_id))
        uow.commit()
    with new_uow() as uow:
        (back,) = uow.charging_profiles.for_station("CB")
    assert back == installed(FULL.charging_profile_id)
    assert back.installed_at.tzinfo is not None


def test_a_tx_profile_keeps_its_transaction(new_uow: UowFactory) -> None:
    tx = installed(5, purpose=ChargingProfilePurpose.TX_PROFILE, kind=ChargingProfileKind.RELATIVE,
                   recurrency_kind=None, transaction_id=42)
    with new_uow() as uow:
        uow.charging_profiles.add(tx)
        uow.commit()
    with new_uow() as uow:
        assert uow.charging_profiles.for_station("CB") == [tx]


def test_profiles_by_station_and_connector_and_an_id_once_per_station(new_uow: UowFactory, engine: Engine) -> None:
    with new_uow() as uow:
        uow.charging_profiles.add(installed(2, 1))
        uow.charging_profiles.add(installed(1, 2))
        uow.charging_profiles.add(installed(1, 0, station="OTHER"))  # the same id on another station
        uow.commit()
    with new_uow() as uow:
        uow.charging_profiles.add(installed(1, 0, stack_level=9))  # the same id again: replaces
        uow.commit()
    with new_uow() as uow:
        mine = uow.charging_profiles.for_station("CB")
        assert [(p.connector_id, p.charging_profile_id, p.profile.stack_level) for p in mine] == [(0, 1, 9), (1, 2, 3)]
        assert [p.charging_profile_id for p in uow.charging_profiles.for_station("OTHER")] == [1]
    with engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(ChargingProfileRow)).scalar() == 3


def test_remove_and_replace_in_one_transaction(new_uow: UowFactory) -> None:
    with new_uow() as uow:
        for profile_id in (1, 2, 3):
            uow.charging_profiles.add(installed(profile_id, profile_id))
        uow.commit()
    with new_uow() as uow:
        assert len(uow.charging_profiles.for_station("CB")) == 3  # loaded in this session, then removed
        uow.charging_profiles.remove("CB", [1, 2, 99])
        uow.charging_profiles.add(installed(2, 0))
        uow.charging_profiles.remove("CB", [])
        uow.commit()
    with new_uow() as uow:
        assert [(p.charging_profile_id, p.connector_id) for p in uow.charging_profiles.for_station("CB")] == [
            (2, 0), (3, 3)]


def test_nothing_without_a_commit(new_uow: UowFactory) -> None:
    with new_uow() as uow:
        uow.charging_profiles.add(installed(1))
    with new_uow() as uow:
        assert uow.charging_profiles.for_station("CB") == []


def test_deleting_the_station_deletes_its_profiles(new_uow: UowFactory, engine: Engine) -> None:
    with new_uow() as uow:
        uow.charging_profiles.add(installed(1))
        uow.charging_profiles.add(installed(1, station="OTHER"))
        uow.commit()
    with new_uow() as uow:
        uow.stations.delete("CB")
        uow.commit()
    with engine.connect() as connection:
        assert connection.execute(select(ChargingProfileRow.charge_box_id)).scalars().all() == ["OTHER"]

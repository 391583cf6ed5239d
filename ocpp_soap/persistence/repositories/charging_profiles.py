"""The charging profiles each station accepted, as the gateway keeps its copy (OCPP 1.6 smart charging)."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ...domain.model import ChargingProfile, InstalledChargingProfile
from ...json_values import to_jsonable
from ...operations import to_wire
from ...operations.shapes import read
from ..orm import ChargingProfileRow


class SqlChargingProfileRepository:
    """Profiles are kept whole as JSON under their OCPP names (as the API shows them), with the columns that say
    where each one is installed beside it."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def for_station(self, charge_box_id: str) -> list[InstalledChargingProfile]:
        rows = self._session.scalars(
            select(ChargingProfileRow)
            .where(ChargingProfileRow.charge_box_id == charge_box_id)
            .order_by(ChargingProfileRow.connector_id, ChargingProfileRow.charging_profile_id)
        )
        return [installed_from_row(row) for row in rows]

    def add(self, installed: InstalledChargingProfile) -> None:
        """Install a profile; one with the same id on the station is replaced."""
        profile = installed.profile
        key = (installed.charge_box_id, profile.charging_profile_id)
        row = self._session.get(ChargingProfileRow, key)
        if row is None:
            row = ChargingProfileRow(charge_box_id=key[0], charging_profile_id=key[1])
            self._session.add(row)
        row.connector_id = installed.connector_id
        row.purpose = profile.purpose.value
        row.stack_level = profile.stack_level
        row.transaction_id = profile.transaction_id
        row.profile = to_jsonable(to_wire(profile))
        row.installed_at = installed.installed_at

    def remove(self, charge_box_id: str, charging_profile_ids: Collection[int]) -> None:
        if not charging_profile_ids:
            return
        self._session.execute(
            delete(ChargingProfileRow).where(
                ChargingProfileRow.charge_box_id == charge_box_id,
                ChargingProfileRow.charging_profile_id.in_(list(charging_profile_ids)),
            )
        )


def installed_from_row(row: ChargingProfileRow | Any) -> InstalledChargingProfile:
    """The typed profile of a row (an ORM row, or a Core row of the table's columns, as the read model has)."""
    return InstalledChargingProfile(
        charge_box_id=row.charge_box_id,
        connector_id=row.connector_id,
        profile=read(ChargingProfile, row.profile, strict=False),
        installed_at=row.installed_at,
    )

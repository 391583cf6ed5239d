"""The gate every station message but BootNotification passes: the station must be known and accepted."""

from __future__ import annotations

from datetime import datetime

from ..domain import events
from ..domain.errors import StationNotAccepted, UnknownStation
from ..domain.model import Station, StationOrigin
from ..domain.ports import UnitOfWork


def accepted_station(uow: UnitOfWork, origin: StationOrigin, now: datetime) -> Station:
    """Load the sending station, refuse it unless accepted, and note that it was seen (refreshing its address)."""
    # One statement for the usual case (an accepted station: last seen set, row locked); the station is read on
    # its own only to say why it is refused.
    station = uow.stations.note_seen(origin.charge_box_id, now) or uow.stations.get(origin.charge_box_id)
    if station is None:
        raise UnknownStation(origin.charge_box_id)
    if not station.is_accepted:
        raise StationNotAccepted(origin.charge_box_id, station.registration_status.value)
    if station.seen(origin, now):
        uow.events.append(events.StationAddressChanged(station.charge_box_id, station.endpoint_address, None))
    uow.stations.save(station)
    return station

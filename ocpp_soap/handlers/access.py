"""The gate every station message but BootNotification passes: the station must be known, and accepted or, for a
message it may send before that, pending (see :meth:`~ocpp_soap.domain.model.Station.may_send`)."""

from __future__ import annotations

from datetime import datetime

from ..domain import events
from ..domain.errors import StationNotAccepted, StationPending, UnknownStation
from ..domain.model import RegistrationStatus, Station
from ..domain.ports import UnitOfWork
from ..domain.station_messages import TRIGGERABLE, StationMessage


def admitted_station(uow: UnitOfWork, message: StationMessage, now: datetime) -> Station:
    """Load the sending station, refuse it unless it may send ``message``, and note that it was seen (refreshing
    its address)."""
    origin = message.origin
    # One statement for the usual case (an accepted station: last seen set, row locked); the station is read on
    # its own when it is not accepted, to decide and to say why.
    station = uow.stations.note_seen(origin.charge_box_id, now) or uow.stations.get(origin.charge_box_id)
    if station is None:
        raise UnknownStation(origin.charge_box_id)
    if not station.may_send(origin.protocol, triggerable=type(message) in TRIGGERABLE):
        if station.registration_status is RegistrationStatus.PENDING and origin.protocol.has_pending:
            raise StationPending(origin.charge_box_id)
        raise StationNotAccepted(origin.charge_box_id, station.registration_status.value)
    if station.seen(origin, now):
        uow.events.append(events.StationAddressChanged(station.charge_box_id, station.endpoint_address, None))
    uow.stations.save(station)
    return station

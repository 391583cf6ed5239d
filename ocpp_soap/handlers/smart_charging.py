"""Smart charging and TriggerMessage (OCPP 1.6): what the gateway checks before these requests are sent, and how
its copy of each station's charging profiles follows the station's answers.

Registered on :func:`~.station_requests.prepare` and :func:`~.station_requests.follow` (imported by the package,
so that the registrations exist whenever the handlers do):

- SetChargingProfile, and RemoteStartTransaction with a profile: the profile is checked against 1.6's rules before
  anything is sent (:func:`~ocpp_soap.domain.model.check_profile`), and its limits go in DecimalOne's one form
  (16.50 as 16.5); a TxProfile also needs a transaction open on its connector, whose id the gateway fills in when
  the operator gave none. When the station answers Accepted the
  profile is installed in the gateway's copy, replacing what 1.6 says it replaces; on any other answer, or none,
  nothing changes.
- ClearChargingProfile: the station's answer decides. Accepted (it cleared what matched) and Unknown (nothing on
  it matched) both mean that the station holds no profile matching the request, so the copy keeps none either; a
  Rejected answer cannot come (1.6 has none), and no answer changes nothing.
- The end of a transaction ends the TxProfiles installed for it (:func:`end_transaction_profiles`).
- GetCompositeSchedule and TriggerMessage change no stored state: the composite schedule is kept, typed, in the
  command log; a trigger's effect is found in the message log (``webapp.readmodel.charging``).
"""

from __future__ import annotations

import dataclasses
from datetime import datetime

from ..domain import station_requests as sr
from ..domain.errors import InvalidCommand
from ..domain.model import (
    ChargingProfilePurpose,
    InstalledChargingProfile,
    Station,
    check_profile,
    check_remote_start_profile,
    cleared_by,
    in_decimal_one,
    replaced_by,
)
from ..domain.ports import UnitOfWork
from .station_requests import Remarks, Request, Result, follow, prepare

# -- before sending ------------------------------------------------------------------------------------------------


@prepare.register
def _(request: sr.RequestSetChargingProfile, uow: UnitOfWork, station: Station, now: datetime) -> Request:
    check_profile(request.profile, request.connector_id, path="profile")
    profile = in_decimal_one(request.profile)
    if profile.purpose is ChargingProfilePurpose.TX_PROFILE:
        transaction_id = _open_transaction(uow, station, request.connector_id, profile.transaction_id)
        profile = dataclasses.replace(profile, transaction_id=transaction_id)
    return dataclasses.replace(request, profile=profile)


def _open_transaction(uow: UnitOfWork, station: Station, connector_id: int, named: int | None) -> int:
    """The transaction a TxProfile is for: the one named, which must be open on the connector, or else the one open
    there. A station discards a TxProfile without a transaction running (Spec §3.13.1, §5.16.4), and the central
    system SHALL name the transaction in it (Spec §5.16), so the gateway refuses what the station would, and names
    the transaction it knows when the operator did not."""
    running = uow.transactions.open_on_connector(station.charge_box_id, connector_id)
    if named is not None:
        if all(t.transaction_id != named for t in running):
            raise InvalidCommand(
                "profile.transaction_id",
                f"transaction {named} is not open on connector {connector_id} of station {station.charge_box_id!r}",
            )
        return named
    if not running:
        raise InvalidCommand(
            "connector_id",
            f"a TxProfile is for the transaction running on its connector, and none is open on connector "
            f"{connector_id} of station {station.charge_box_id!r}",
        )
    return max(running, key=lambda t: t.started_at).stored_id  # a session whose stop was lost is older


@prepare.register
def _(request: sr.RequestRemoteStart, uow: UnitOfWork, station: Station, now: datetime) -> Request:
    if request.charging_profile is None:
        return request
    check_remote_start_profile(request.charging_profile, request.connector_id, path="charging_profile")
    return dataclasses.replace(request, charging_profile=in_decimal_one(request.charging_profile))


@prepare.register
def _(request: sr.RequestClearChargingProfile, uow: UnitOfWork, station: Station, now: datetime) -> Request:
    if request.id is not None and (request.connector_id, request.purpose, request.stack_level) != (None, None, None):
        # The station clears the profile with that id and ignores the rest (Errata §3.25): an operator who gave
        # both meant something else than what would happen.
        raise InvalidCommand("id", "a profile id clears that profile whatever else is given: give it alone")
    _not_negative(request.connector_id, "connector_id")
    _not_negative(request.stack_level, "stack_level")
    return request


@prepare.register
def _(request: sr.RequestGetCompositeSchedule, uow: UnitOfWork, station: Station, now: datetime) -> Request:
    _not_negative(request.connector_id, "connector_id")
    if request.duration <= 0:
        raise InvalidCommand("duration", f"a duration is a positive number of seconds, got {request.duration}")
    return request


@prepare.register
def _(request: sr.RequestTriggerMessage, uow: UnitOfWork, station: Station, now: datetime) -> Request:
    connector_id = request.connector_id
    # "connectorId > 0" (Spec §6.51), but 0 asks a StatusNotification about the station itself (Spec §5.17).
    lowest = 0 if request.requested_message is sr.MessageTrigger.STATUS_NOTIFICATION else 1
    if connector_id is not None and connector_id < lowest:
        raise InvalidCommand(
            "connector_id", f"a connector id for {request.requested_message} is {lowest} or more, got {connector_id}"
        )
    return request


def _not_negative(value: int | None, attribute: str) -> None:
    if value is not None and value < 0:
        raise InvalidCommand(attribute, f"0 or more, got {value}")


# -- after the answer ----------------------------------------------------------------------------------------------


@follow.register
def _(sent: sr.RequestSetChargingProfile, result: Result, uow: UnitOfWork, now: datetime) -> Remarks:
    if result.status != sr.ChargingProfileStatus.ACCEPTED:
        return None
    return install(uow, InstalledChargingProfile(sent.charge_box_id, sent.connector_id, sent.profile, now))


@follow.register
def _(sent: sr.RequestRemoteStart, result: Result, uow: UnitOfWork, now: datetime) -> Remarks:
    profile, connector_id = sent.charging_profile, sent.connector_id
    if profile is None or connector_id is None or result.status != sr.RemoteStartStopStatus.ACCEPTED:
        return None
    return install(uow, InstalledChargingProfile(sent.charge_box_id, connector_id, profile, now))


@follow.register
def _(sent: sr.RequestClearChargingProfile, result: Result, uow: UnitOfWork, now: datetime) -> Remarks:
    if result.status not in (sr.ClearChargingProfileStatus.ACCEPTED, sr.ClearChargingProfileStatus.UNKNOWN):
        return None
    installed = uow.charging_profiles.for_station(sent.charge_box_id)
    removed = [p.charging_profile_id for p in cleared_by(installed, sent.criteria)]
    uow.charging_profiles.remove(sent.charge_box_id, removed)
    return sr.ChargingProfilesChanged(installed=(), removed=tuple(removed))


def install(uow: UnitOfWork, new: InstalledChargingProfile) -> sr.ChargingProfilesChanged:
    """Install ``new`` in the gateway's copy, removing what it replaces."""
    replaced = [p.charging_profile_id for p in replaced_by(uow.charging_profiles.for_station(new.charge_box_id), new)]
    uow.charging_profiles.remove(new.charge_box_id, replaced)
    uow.charging_profiles.add(new)
    others = tuple(i for i in replaced if i != new.charging_profile_id)
    return sr.ChargingProfilesChanged(installed=(new.charging_profile_id,), removed=others)


def end_transaction_profiles(uow: UnitOfWork, charge_box_id: str, connector_id: int, transaction_id: int) -> None:
    """A transaction ended (stopped, or superseded by a new start on its connector): the TxProfiles installed for
    it end with it (Spec §3.13.1, §7.10), on the station and so in the copy."""
    ended = [p.charging_profile_id for p in uow.charging_profiles.for_station(charge_box_id)
             if p.ends_with(connector_id, transaction_id)]
    uow.charging_profiles.remove(charge_box_id, ended)

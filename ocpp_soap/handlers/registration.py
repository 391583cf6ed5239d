"""Operator changes to the central system's own records: station registration and id tags.

Each handler is a plain ``(command, uow, ...) -> result`` run by the bus in one transaction; the results are
domain values (the station or id tag as stored afterwards).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..domain import operator_commands as oc
from ..domain.commands import Command
from ..domain.errors import AlreadyExists, InvalidCommand, UnknownIdTag, UnknownStation
from ..domain.model import CHARGE_BOX_ID_MAX, ID_TOKEN_MAX, IdTag, RegistrationStatus, Station
from ..domain.ports import UnitOfWork


def register_station(cmd: oc.RegisterStation, uow: UnitOfWork) -> Station:
    if not cmd.charge_box_id or len(cmd.charge_box_id) > CHARGE_BOX_ID_MAX:
        raise InvalidCommand("charge_box_id", f"expected 1 to {CHARGE_BOX_ID_MAX} characters")
    if uow.stations.get(cmd.charge_box_id) is not None:
        raise AlreadyExists("charge_box_id", f"station {cmd.charge_box_id!r} is registered already")
    station = Station(cmd.charge_box_id, cmd.status)
    uow.stations.add(station)
    return station


def accept_station(cmd: oc.AcceptStation, uow: UnitOfWork) -> Station:
    return _set_registration(uow, cmd.charge_box_id, RegistrationStatus.ACCEPTED)


def reject_station(cmd: oc.RejectStation, uow: UnitOfWork) -> Station:
    return _set_registration(uow, cmd.charge_box_id, RegistrationStatus.REJECTED)


def _set_registration(uow: UnitOfWork, charge_box_id: str, status: RegistrationStatus) -> Station:
    station = uow.stations.get(charge_box_id)
    if station is None:
        raise UnknownStation(charge_box_id)
    station.registration_status = status
    uow.stations.save(station)
    return station


def delete_station(cmd: oc.DeleteStation, uow: UnitOfWork) -> None:
    if uow.stations.get(cmd.charge_box_id) is None:
        raise UnknownStation(cmd.charge_box_id)
    uow.stations.delete(cmd.charge_box_id)


def create_id_tag(cmd: oc.CreateIdTag, uow: UnitOfWork) -> IdTag:
    _check_tag(cmd.tag, uow)
    if uow.id_tags.get(cmd.tag.id_tag) is not None:
        raise AlreadyExists("id_tag", f"id tag {cmd.tag.id_tag!r} exists already")
    uow.id_tags.add(cmd.tag)
    return cmd.tag


def update_id_tag(cmd: oc.UpdateIdTag, uow: UnitOfWork) -> IdTag:
    if uow.id_tags.get(cmd.tag.id_tag) is None:
        raise UnknownIdTag(cmd.tag.id_tag)
    _check_tag(cmd.tag, uow)
    uow.id_tags.save(cmd.tag)
    return cmd.tag


def delete_id_tag(cmd: oc.DeleteIdTag, uow: UnitOfWork) -> None:
    if uow.id_tags.get(cmd.id_tag) is None:
        raise UnknownIdTag(cmd.id_tag)
    uow.id_tags.delete(cmd.id_tag)


def _check_tag(tag: IdTag, uow: UnitOfWork) -> None:
    if not tag.id_tag or len(tag.id_tag) > ID_TOKEN_MAX:
        raise InvalidCommand("id_tag", f"expected 1 to {ID_TOKEN_MAX} characters")
    if tag.parent_id_tag is None:
        return
    if tag.parent_id_tag == tag.id_tag:
        raise InvalidCommand("parent_id_tag", "an id tag cannot be its own parent")
    if uow.id_tags.get(tag.parent_id_tag) is None:
        raise InvalidCommand("parent_id_tag", f"{tag.parent_id_tag!r} is not a known id tag")


HANDLERS: dict[type[Command], Callable[..., Any]] = {
    oc.RegisterStation: register_station,
    oc.AcceptStation: accept_station,
    oc.RejectStation: reject_station,
    oc.DeleteStation: delete_station,
    oc.CreateIdTag: create_id_tag,
    oc.UpdateIdTag: update_id_tag,
    oc.DeleteIdTag: delete_id_tag,
}

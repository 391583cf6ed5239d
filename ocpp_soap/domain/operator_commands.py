"""Operator commands on the central system's own records: register, accept, reject and delete stations; create,
update and delete id tags. Plain values, named as imperatives; the handlers live in ``handlers/registration.py``."""

from __future__ import annotations

from dataclasses import dataclass

from .commands import Command
from .model import IdTag, RegistrationStatus


@dataclass(frozen=True)
class RegisterStation(Command):
    """Make a station known before it boots, Accepted (the usual case) or Pending/Rejected."""

    charge_box_id: str
    status: RegistrationStatus = RegistrationStatus.ACCEPTED


@dataclass(frozen=True)
class AcceptStation(Command):
    charge_box_id: str


@dataclass(frozen=True)
class RejectStation(Command):
    charge_box_id: str


@dataclass(frozen=True)
class DeleteStation(Command):
    """Forget a station and everything stored about it (transactions, meter values, status history)."""

    charge_box_id: str


@dataclass(frozen=True)
class CreateIdTag(Command):
    tag: IdTag


@dataclass(frozen=True)
class UpdateIdTag(Command):
    tag: IdTag


@dataclass(frozen=True)
class DeleteIdTag(Command):
    id_tag: str


OPERATOR_COMMANDS: tuple[type[Command], ...] = (
    RegisterStation,
    AcceptStation,
    RejectStation,
    DeleteStation,
    CreateIdTag,
    UpdateIdTag,
    DeleteIdTag,
)

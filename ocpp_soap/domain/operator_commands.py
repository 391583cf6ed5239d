"""Operator commands on the central system's own records: register, accept, reject and delete stations; create,
update and delete id tags. Plain values, named as imperatives; the handlers live in ``handlers/registration.py``.

The errors they can end in are here too, as :class:`DomainError` subclasses, so each front end maps them once.
"""

from __future__ import annotations

from dataclasses import dataclass

from .commands import Command
from .errors import DomainError
from .model import IdTag, RegistrationStatus

ID_TOKEN_MAX = 20  # OCPP's IdToken (CiString20Type)
CHARGE_BOX_ID_MAX = 255


class AlreadyExists(DomainError):
    """A record with this key is stored already; ``field`` names the key."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


class UnknownIdTag(DomainError):
    def __init__(self, id_tag: str) -> None:
        super().__init__(f"id tag {id_tag!r} is not known")
        self.id_tag = id_tag


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

"""Operator commands on the central system's own records: register, accept, reject and delete stations; create,
update and delete id tags (handlers in ``handlers/registration.py``); operator accounts, their API tokens, the
secrets the workers share and the record of who changed what (handlers in ``handlers/accounts.py``); a station's
relay to an OCPP 1.6-J back office (``handlers/relay_settings.py``). Plain values, named as imperatives. Passwords
never travel in clear in a command: the front end hashes an account's and encrypts a station's relay password (the
relay must send that one), and commands carry the result."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .commands import Command
from .model import IdTag, OperatorAction, RegistrationStatus, Role


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


@dataclass(frozen=True)
class CreateAccount(Command):
    username: str
    password_hash: str
    role: Role
    time_zone: str = "UTC"


@dataclass(frozen=True)
class ChangePassword(Command):
    """Replace an account's password hash; with ``expected_hash``, only if it is still that one (a compare-and-set,
    so that workers settling the same configured password converge on one stored hash)."""

    username: str
    password_hash: str
    expected_hash: str | None = None


@dataclass(frozen=True)
class ChangeRole(Command):
    username: str
    role: Role


@dataclass(frozen=True)
class SetTimeZone(Command):
    """The zone the account's pages show times in, and take times without a zone in (an IANA name)."""

    username: str
    time_zone: str


@dataclass(frozen=True)
class DeleteAccount(Command):
    username: str


@dataclass(frozen=True)
class IssueApiToken(Command):
    username: str
    label: str
    token_hash: str


@dataclass(frozen=True)
class RevokeApiToken(Command):
    """Revoke a token; ``username`` (when given) must own it: an account revokes only its own tokens."""

    token_id: int
    username: str | None = None


@dataclass(frozen=True)
class NoteTokenUsed(Command):
    token_id: int


@dataclass(frozen=True)
class StoreSecret(Command):
    """Store a secret the workers share (``name`` -> ``value``) unless one is stored already; answers the stored one."""

    name: str
    value: str


@dataclass(frozen=True)
class StoreGeneratedApiToken(Command):
    """Store the hash of the API token the gateway generated (when ``OCPP_SOAP_API_TOKEN`` is unset) unless one is
    stored already; answers the stored hash. It is an administrator's token of no account."""

    name: str
    token_hash: str


@dataclass(frozen=True)
class RecordOperatorAction(Command):
    """Run in the same unit of work as the write it describes, so that a write is never kept without its author."""

    action: OperatorAction


@dataclass(frozen=True)
class RelayStation(Command):
    """Relay the station to the OCPP 1.6-J back office at ``url`` (None: the default, ``OCPP_SOAP_RELAY_URL``).

    ``sealed_password`` is the station's HTTP Basic password toward the back office, encrypted by the front end
    (``relay.secrets.PasswordBox``); None: no password. With ``keep_password`` the stored one stays, whatever
    ``sealed_password`` says."""

    charge_box_id: str
    url: str | None = None
    sealed_password: str | None = None
    keep_password: bool = True


@dataclass(frozen=True)
class StopRelayingStation(Command):
    """Stop relaying the station, whatever the default URL says; its queued messages stay, unsent."""

    charge_box_id: str


SECRET_FIELDS = frozenset({"password_hash", "expected_hash", "token_hash", "value", "sealed_password"})


def describe(command: Command) -> tuple[str, str | None, dict[str, Any]]:
    """What an operator action records about a command: its name, the record it changed, and its fields (never a
    secret or a hash)."""
    values = {k: v for k, v in vars(command).items() if k not in SECRET_FIELDS}
    target = None
    for key in ("charge_box_id", "username", "id_tag", "name"):
        if isinstance(values.get(key), str):
            target = values.pop(key)
            break
    tag = values.pop("tag", None)
    if tag is not None and hasattr(tag, "id_tag"):
        target = tag.id_tag
        values.update({k: v for k, v in vars(tag).items() if k != "id_tag"})
    return type(command).__name__, target, values

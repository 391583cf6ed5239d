"""Operator accounts, their API tokens, the secrets the web app shares between workers, and the record of who
changed what (operator actions). Commands are named as imperatives; their handlers are in
``handlers/accounts.py``; the repositories in ``persistence/account_repository.py``.

Passwords never travel in a command: the front end hashes them (``ocpp_soap/passwords.py``) and commands carry
the hash. API tokens are random and travel only as their SHA-256.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from typing import Protocol as TypingProtocol

from .commands import Command
from .errors import DomainError, InvalidCommand

USERNAME_MAX = 64
LABEL_MAX = 64
TIME_ZONE_MAX = 64
BUILT_IN_ADMIN = "admin"
"""The account ``OCPP_SOAP_ADMIN_PASSWORD`` sets (generated at first start when unset); it cannot be removed or
demoted, so that the gateway always has an administrator."""


class Role(enum.StrEnum):
    """What an account may do; each role may do what the ones before it may."""

    READ_ONLY = "read-only"  # sees everything
    OPERATOR = "operator"  # also sends commands to stations, manages id tags, cancels reservations
    ADMIN = "admin"  # also registers, accepts, rejects and deletes stations, manages accounts

    def allows(self, needed: Role) -> bool:
        order = list(Role)
        return order.index(self) >= order.index(needed)


@dataclass
class Account:
    username: str
    password_hash: str
    role: Role
    created_at: datetime
    time_zone: str = "UTC"


@dataclass(frozen=True)
class ApiToken:
    """A bearer token of an account; it has the account's role. Only the token's SHA-256 is stored."""

    username: str
    label: str
    token_hash: str
    created_at: datetime
    token_id: int | None = None
    last_used_at: datetime | None = None


@dataclass(frozen=True)
class OperatorAction:
    """One write by an operator (or the command line, or start-up): who, when, what, on which record."""

    at: datetime
    actor: str
    action: str
    target: str | None
    details: dict[str, Any] = field(default_factory=dict)


class UnknownAccount(DomainError):
    def __init__(self, username: str) -> None:
        super().__init__(f"account {username!r} is not known")
        self.username = username
        self.field = "username"


class AccountConflict(DomainError):
    """The change would leave the gateway without what it needs (its built-in administrator), or it raced with
    another change of the same record; ``field`` names what is refused."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def check_username(username: str) -> None:
    allowed = username.replace("-", "").replace("_", "").replace(".", "").replace("@", "")
    if not username or len(username) > USERNAME_MAX or not allowed.isalnum() or not allowed.isascii():
        raise InvalidCommand("username", f"expected 1 to {USERNAME_MAX} letters, digits or - _ . @")


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


SECRET_FIELDS = frozenset({"password_hash", "expected_hash", "token_hash", "value"})


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


class AccountRepository(TypingProtocol):
    def get(self, username: str) -> Account | None: ...
    def add(self, account: Account) -> None: ...
    def save(self, account: Account) -> None: ...
    def replace_hash(self, username: str, expected_hash: str, new_hash: str) -> bool: ...
    def delete(self, username: str) -> None: ...
    def add_token(self, token: ApiToken) -> int: ...
    def get_token(self, token_id: int) -> ApiToken | None: ...
    def delete_token(self, token_id: int) -> None: ...
    def note_token_used(self, token_id: int, at: datetime) -> None: ...
    def secret(self, name: str) -> str | None: ...
    def add_secret(self, name: str, value: str, at: datetime) -> None: ...
    def generated_token_hash(self, name: str) -> str | None: ...
    def add_generated_token(self, name: str, token_hash: str, at: datetime) -> None: ...


class OperatorActionRepository(TypingProtocol):
    def add(self, action: OperatorAction) -> None: ...


class AccountsUnitOfWork(TypingProtocol):
    """The part of a unit of work the account handlers use."""

    accounts: AccountRepository
    operator_actions: OperatorActionRepository

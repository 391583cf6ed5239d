"""Operator accounts: who may log in to the web app and use the API, with which role, and the record of what
each one changed (operator actions). Passwords are kept only as hashes (``ocpp_soap/passwords.py``) and API tokens
only as their SHA-256."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ..errors import InvalidCommand

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


def check_username(username: str) -> None:
    allowed = username.replace("-", "").replace("_", "").replace(".", "").replace("@", "")
    if not username or len(username) > USERNAME_MAX or not allowed.isalnum() or not allowed.isascii():
        raise InvalidCommand("username", f"expected 1 to {USERNAME_MAX} letters, digits or - _ . @")

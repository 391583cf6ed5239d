"""Operator accounts, their API tokens, the gateway's generated API token and shared secrets (read only), and
the record of who changed what."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import Field
from sqlalchemy import Engine, select

from ocpp_soap.persistence.orm import (
    AccountTokenRow,
    ApiTokenRow,
    OperatorAccountRow,
    OperatorActionRow,
    SharedSecretRow,
)

from .base import Listing, Page, Time, Value, aware, paged


@dataclass(frozen=True)
class StoredAccount:
    """An account as authentication needs it (with its hash: never shown, never answered)."""

    username: str
    password_hash: str
    role: str
    time_zone: str


class AccountItem(Value):
    username: str = Field(description="The account's user name")
    role: str = Field(description="read-only, operator or admin")
    time_zone: str = Field(description="IANA zone its pages show times in")
    created_at: Time = Field(description="When it was made")


class TokenItem(Value):
    id: int = Field(description="The token's id (to revoke it)")
    username: str = Field(description="The account it belongs to; it has that account's role")
    label: str = Field(description="What it is for, as its owner named it")
    created_at: Time = Field(description="When it was issued")
    last_used_at: Time | None = Field(description="When it was last used (noted at most once a minute)")


class ActivityItem(Value):
    id: int = Field(description="The entry's id")
    at: Time = Field(description="When the change was made")
    actor: str = Field(description="Who made it: an account, OCPP_SOAP_API_TOKEN, cli:<user> or start-up")
    action: str = Field(description="What was done (RegisterStation, UpdateIdTag, CreateAccount, ...)")
    target: str | None = Field(description="The record changed: a station, an id tag, an account")
    details: dict[str, Any] = Field(description="The command's other fields (never a password or token)")


def stored_account(engine: Engine, username: str) -> StoredAccount | None:
    with engine.connect() as connection:
        row = connection.execute(
            select(OperatorAccountRow.username, OperatorAccountRow.password_hash, OperatorAccountRow.role,
                   OperatorAccountRow.time_zone).where(OperatorAccountRow.username == username)
        ).first()
    return None if row is None else StoredAccount(row.username, row.password_hash, row.role, row.time_zone)


def list_accounts(engine: Engine) -> list[AccountItem]:
    with engine.connect() as connection:
        rows = connection.execute(select(OperatorAccountRow.__table__).order_by(OperatorAccountRow.username)).all()
    return [AccountItem(username=r.username, role=r.role, time_zone=r.time_zone, created_at=aware(r.created_at))
            for r in rows]


def tokens(engine: Engine, username: str | None = None) -> list[TokenItem]:
    query = select(AccountTokenRow.__table__).order_by(AccountTokenRow.username, AccountTokenRow.id)
    if username is not None:
        query = query.where(AccountTokenRow.username == username)
    with engine.connect() as connection:
        rows = connection.execute(query).all()
    return [TokenItem(id=r.id, username=r.username, label=r.label, created_at=aware(r.created_at),
                      last_used_at=aware(r.last_used_at)) for r in rows]


@dataclass(frozen=True)
class TokenOwner:
    token_id: int
    username: str
    role: str
    last_used_at: datetime | None


def token_owner(engine: Engine, token_hash: str) -> TokenOwner | None:
    """The account a presented token (by its SHA-256) belongs to, with the account's role now."""
    with engine.connect() as connection:
        row = connection.execute(
            select(AccountTokenRow.id, AccountTokenRow.username, OperatorAccountRow.role, AccountTokenRow.last_used_at)
            .join(OperatorAccountRow, OperatorAccountRow.username == AccountTokenRow.username)
            .where(AccountTokenRow.token_hash == token_hash)
        ).first()
    return None if row is None else TokenOwner(row.id, row.username, row.role, aware(row.last_used_at))


def generated_api_token_hash(engine: Engine, name: str) -> str | None:
    with engine.connect() as connection:
        value = connection.execute(select(ApiTokenRow.token_hash).where(ApiTokenRow.name == name)).scalar()
    return None if value is None else str(value)


def shared_secret(engine: Engine, name: str) -> str | None:
    with engine.connect() as connection:
        value = connection.execute(select(SharedSecretRow.value).where(SharedSecretRow.name == name)).scalar()
    return None if value is None else str(value)


def list_activity(engine: Engine, page: Page, *, actor: str | None = None, target: str | None = None
                  ) -> Listing[ActivityItem]:
    query = select(OperatorActionRow.__table__).order_by(OperatorActionRow.at.desc(), OperatorActionRow.id.desc())
    if actor is not None:
        query = query.where(OperatorActionRow.actor == actor)
    if target is not None:
        query = query.where(OperatorActionRow.target == target)
    return paged(engine, query, page, lambda rows: [ActivityItem(
        id=r.id, at=aware(r.at), actor=r.actor, action=r.action, target=r.target, details=r.details or {},
    ) for r in rows])

"""Repositories for operator accounts, their API tokens, shared secrets and operator actions."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from ...domain.model import Account, ApiToken, OperatorAction, Role
from ...json_values import to_jsonable
from ..orm import AccountTokenRow, ApiTokenRow, OperatorAccountRow, OperatorActionRow, SharedSecretRow


class SqlAccountRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def get(self, username: str) -> Account | None:
        row = self._session.get(OperatorAccountRow, username)
        if row is None:
            return None
        return Account(row.username, row.password_hash, Role(row.role), row.created_at, row.time_zone)

    def add(self, account: Account) -> None:
        self._session.add(OperatorAccountRow(
            username=account.username, password_hash=account.password_hash, role=account.role.value,
            created_at=account.created_at, time_zone=account.time_zone,
        ))
        self._session.flush()  # a second worker adding the same name fails here, as a conflict the bus retries

    def save(self, account: Account) -> None:
        row = self._session.get(OperatorAccountRow, account.username)
        if row is None:
            self.add(account)
            return
        row.password_hash, row.role, row.time_zone = account.password_hash, account.role.value, account.time_zone

    def replace_hash(self, username: str, expected_hash: str, new_hash: str) -> bool:
        result = self._session.execute(
            update(OperatorAccountRow)
            .where(OperatorAccountRow.username == username, OperatorAccountRow.password_hash == expected_hash)
            .values(password_hash=new_hash)
            .execution_options(synchronize_session=False)
        )
        return bool(getattr(result, "rowcount", 0))

    def delete(self, username: str) -> None:
        self._session.execute(delete(AccountTokenRow).where(AccountTokenRow.username == username))
        self._session.execute(delete(OperatorAccountRow).where(OperatorAccountRow.username == username))

    def add_token(self, token: ApiToken) -> int:
        row = AccountTokenRow(username=token.username, label=token.label, token_hash=token.token_hash,
                              created_at=token.created_at)
        self._session.add(row)
        self._session.flush()
        return row.id

    def get_token(self, token_id: int) -> ApiToken | None:
        row = self._session.get(AccountTokenRow, token_id)
        if row is None:
            return None
        return ApiToken(row.username, row.label, row.token_hash, row.created_at, row.id, row.last_used_at)

    def delete_token(self, token_id: int) -> None:
        self._session.execute(delete(AccountTokenRow).where(AccountTokenRow.id == token_id))

    def note_token_used(self, token_id: int, at: datetime) -> None:
        self._session.execute(update(AccountTokenRow).where(AccountTokenRow.id == token_id).values(last_used_at=at))

    def secret(self, name: str) -> str | None:
        return self._session.scalar(select(SharedSecretRow.value).where(SharedSecretRow.name == name))

    def add_secret(self, name: str, value: str, at: datetime) -> None:
        self._session.add(SharedSecretRow(name=name, value=value, created_at=at))
        self._session.flush()  # two workers at once: one wins, the other's retry reads the winner's

    def generated_token_hash(self, name: str) -> str | None:
        return self._session.scalar(select(ApiTokenRow.token_hash).where(ApiTokenRow.name == name))

    def add_generated_token(self, name: str, token_hash: str, at: datetime) -> None:
        self._session.add(ApiTokenRow(name=name, token_hash=token_hash, created_at=at))
        self._session.flush()


class SqlOperatorActionRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, action: OperatorAction) -> None:
        self._session.add(OperatorActionRow(
            at=action.at, actor=action.actor[:64], action=action.action[:64],
            target=None if action.target is None else action.target[:255], details=to_jsonable(action.details),
        ))

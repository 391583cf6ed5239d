"""Operator accounts, API tokens, shared secrets and the record of who changed what.

Plain ``(command, uow, ...) -> result`` handlers, run by the bus in one transaction. Passwords arrive hashed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..domain import operator_commands as ac
from ..domain.commands import Command
from ..domain.errors import AccountConflict, AlreadyExists, InvalidCommand, UnknownAccount
from ..domain.model import BUILT_IN_ADMIN, LABEL_MAX, TIME_ZONE_MAX, Account, ApiToken, check_username
from ..domain.ports import Clock, UnitOfWork


def create_account(cmd: ac.CreateAccount, uow: UnitOfWork, clock: Clock) -> Account:
    check_username(cmd.username)
    _check_time_zone(cmd.time_zone)
    if uow.accounts.get(cmd.username) is not None:
        raise AlreadyExists("username", f"account {cmd.username!r} exists already")
    account = Account(cmd.username, cmd.password_hash, cmd.role, clock(), cmd.time_zone)
    uow.accounts.add(account)
    return account


def change_password(cmd: ac.ChangePassword, uow: UnitOfWork) -> Account:
    account = _existing(uow, cmd.username)
    if cmd.expected_hash is not None:
        if not uow.accounts.replace_hash(cmd.username, cmd.expected_hash, cmd.password_hash):
            raise AccountConflict("password", "the password was changed meanwhile")
        account.password_hash = cmd.password_hash
        return account
    account.password_hash = cmd.password_hash
    uow.accounts.save(account)
    return account


def change_role(cmd: ac.ChangeRole, uow: UnitOfWork) -> Account:
    account = _existing(uow, cmd.username)
    if cmd.username == BUILT_IN_ADMIN and cmd.role is not ac.Role.ADMIN:
        raise AccountConflict("role", f"the built-in {BUILT_IN_ADMIN!r} account stays an administrator")
    account.role = cmd.role
    uow.accounts.save(account)
    return account


def set_time_zone(cmd: ac.SetTimeZone, uow: UnitOfWork) -> Account:
    account = _existing(uow, cmd.username)
    _check_time_zone(cmd.time_zone)
    account.time_zone = cmd.time_zone
    uow.accounts.save(account)
    return account


def delete_account(cmd: ac.DeleteAccount, uow: UnitOfWork) -> None:
    _existing(uow, cmd.username)
    if cmd.username == BUILT_IN_ADMIN:
        raise AccountConflict("username", f"the built-in {BUILT_IN_ADMIN!r} account cannot be removed")
    uow.accounts.delete(cmd.username)


def issue_api_token(cmd: ac.IssueApiToken, uow: UnitOfWork, clock: Clock) -> ApiToken:
    _existing(uow, cmd.username)
    label = cmd.label.strip()
    if not label or len(label) > LABEL_MAX:
        raise InvalidCommand("label", f"expected 1 to {LABEL_MAX} characters")
    token = ApiToken(cmd.username, label, cmd.token_hash, clock())
    token_id = uow.accounts.add_token(token)
    return ApiToken(token.username, token.label, token.token_hash, token.created_at, token_id)


def revoke_api_token(cmd: ac.RevokeApiToken, uow: UnitOfWork) -> None:
    token = uow.accounts.get_token(cmd.token_id)
    if token is None or (cmd.username is not None and token.username != cmd.username):
        raise InvalidCommand("tokenId", f"no token {cmd.token_id} of this account")
    uow.accounts.delete_token(cmd.token_id)


def note_token_used(cmd: ac.NoteTokenUsed, uow: UnitOfWork, clock: Clock) -> None:
    uow.accounts.note_token_used(cmd.token_id, clock())


def store_secret(cmd: ac.StoreSecret, uow: UnitOfWork, clock: Clock) -> str:
    stored = uow.accounts.secret(cmd.name)
    if stored is not None:
        return stored
    uow.accounts.add_secret(cmd.name, cmd.value, clock())
    return cmd.value


def store_generated_api_token(cmd: ac.StoreGeneratedApiToken, uow: UnitOfWork, clock: Clock) -> str:
    stored = uow.accounts.generated_token_hash(cmd.name)
    if stored is not None:
        return stored
    uow.accounts.add_generated_token(cmd.name, cmd.token_hash, clock())
    return cmd.token_hash


def record_operator_action(cmd: ac.RecordOperatorAction, uow: UnitOfWork) -> None:
    uow.operator_actions.add(cmd.action)


def _existing(uow: UnitOfWork, username: str) -> Account:
    account = uow.accounts.get(username)
    if account is None:
        raise UnknownAccount(username)
    return account


def _check_time_zone(name: str) -> None:
    """An IANA zone name as zoneinfo knows it (the standard library, no framework)."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    if not name or len(name) > TIME_ZONE_MAX:
        raise InvalidCommand("timeZone", "expected an IANA time zone name such as Europe/Berlin")
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidCommand("timeZone", f"{name!r} is not a known time zone (IANA names, e.g. Europe/Berlin)") from None


HANDLERS: dict[type[Command], Callable[..., Any]] = {
    ac.CreateAccount: create_account,
    ac.ChangePassword: change_password,
    ac.ChangeRole: change_role,
    ac.SetTimeZone: set_time_zone,
    ac.DeleteAccount: delete_account,
    ac.IssueApiToken: issue_api_token,
    ac.RevokeApiToken: revoke_api_token,
    ac.NoteTokenUsed: note_token_used,
    ac.StoreSecret: store_secret,
    ac.StoreGeneratedApiToken: store_generated_api_token,
    ac.RecordOperatorAction: record_operator_action,
}

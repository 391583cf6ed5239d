"""Operator accounts, API tokens, shared secrets and the record of who changed what.

Plain ``(command, uow, ...) -> result`` handlers, run by the bus in one transaction. Passwords arrive hashed.
"""

from __future__ import annotations

from ..domain import accounts as ac
from ..domain.errors import InvalidCommand
from ..domain.operator_commands import AlreadyExists
from ..domain.ports import Clock


def create_account(cmd: ac.CreateAccount, uow: ac.AccountsUnitOfWork, clock: Clock) -> ac.Account:
    ac.check_username(cmd.username)
    _check_time_zone(cmd.time_zone)
    if uow.accounts.get(cmd.username) is not None:
        raise AlreadyExists("username", f"account {cmd.username!r} exists already")
    account = ac.Account(cmd.username, cmd.password_hash, cmd.role, clock(), cmd.time_zone)
    uow.accounts.add(account)
    return account


def change_password(cmd: ac.ChangePassword, uow: ac.AccountsUnitOfWork) -> ac.Account:
    account = _existing(uow, cmd.username)
    if cmd.expected_hash is not None:
        if not uow.accounts.replace_hash(cmd.username, cmd.expected_hash, cmd.password_hash):
            raise ac.AccountConflict("password", "the password was changed meanwhile")
        account.password_hash = cmd.password_hash
        return account
    account.password_hash = cmd.password_hash
    uow.accounts.save(account)
    return account


def change_role(cmd: ac.ChangeRole, uow: ac.AccountsUnitOfWork) -> ac.Account:
    account = _existing(uow, cmd.username)
    if cmd.username == ac.BUILT_IN_ADMIN and cmd.role is not ac.Role.ADMIN:
        raise ac.AccountConflict("role", f"the built-in {ac.BUILT_IN_ADMIN!r} account stays an administrator")
    account.role = cmd.role
    uow.accounts.save(account)
    return account


def set_time_zone(cmd: ac.SetTimeZone, uow: ac.AccountsUnitOfWork) -> ac.Account:
    account = _existing(uow, cmd.username)
    _check_time_zone(cmd.time_zone)
    account.time_zone = cmd.time_zone
    uow.accounts.save(account)
    return account


def delete_account(cmd: ac.DeleteAccount, uow: ac.AccountsUnitOfWork) -> None:
    _existing(uow, cmd.username)
    if cmd.username == ac.BUILT_IN_ADMIN:
        raise ac.AccountConflict("username", f"the built-in {ac.BUILT_IN_ADMIN!r} account cannot be removed")
    uow.accounts.delete(cmd.username)


def issue_api_token(cmd: ac.IssueApiToken, uow: ac.AccountsUnitOfWork, clock: Clock) -> ac.ApiToken:
    _existing(uow, cmd.username)
    label = cmd.label.strip()
    if not label or len(label) > ac.LABEL_MAX:
        raise InvalidCommand("label", f"expected 1 to {ac.LABEL_MAX} characters")
    token = ac.ApiToken(cmd.username, label, cmd.token_hash, clock())
    token_id = uow.accounts.add_token(token)
    return ac.ApiToken(token.username, token.label, token.token_hash, token.created_at, token_id)


def revoke_api_token(cmd: ac.RevokeApiToken, uow: ac.AccountsUnitOfWork) -> None:
    token = uow.accounts.get_token(cmd.token_id)
    if token is None or (cmd.username is not None and token.username != cmd.username):
        raise InvalidCommand("tokenId", f"no token {cmd.token_id} of this account")
    uow.accounts.delete_token(cmd.token_id)


def note_token_used(cmd: ac.NoteTokenUsed, uow: ac.AccountsUnitOfWork, clock: Clock) -> None:
    uow.accounts.note_token_used(cmd.token_id, clock())


def store_secret(cmd: ac.StoreSecret, uow: ac.AccountsUnitOfWork, clock: Clock) -> str:
    stored = uow.accounts.secret(cmd.name)
    if stored is not None:
        return stored
    uow.accounts.add_secret(cmd.name, cmd.value, clock())
    return cmd.value


def store_generated_api_token(cmd: ac.StoreGeneratedApiToken, uow: ac.AccountsUnitOfWork, clock: Clock) -> str:
    stored = uow.accounts.generated_token_hash(cmd.name)
    if stored is not None:
        return stored
    uow.accounts.add_generated_token(cmd.name, cmd.token_hash, clock())
    return cmd.token_hash


def record_operator_action(cmd: ac.RecordOperatorAction, uow: ac.AccountsUnitOfWork) -> None:
    uow.operator_actions.add(cmd.action)


def _existing(uow: ac.AccountsUnitOfWork, username: str) -> ac.Account:
    account = uow.accounts.get(username)
    if account is None:
        raise ac.UnknownAccount(username)
    return account


def _check_time_zone(name: str) -> None:
    """An IANA zone name as zoneinfo knows it (the standard library, no framework)."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    if not name or len(name) > ac.TIME_ZONE_MAX:
        raise InvalidCommand("timeZone", "expected an IANA time zone name such as Europe/Berlin")
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidCommand("timeZone", f"{name!r} is not a known time zone (IANA names, e.g. Europe/Berlin)") from None


HANDLERS = {
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

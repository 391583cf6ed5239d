"""The account handlers with an in-memory unit of work: roles, the built-in administrator, tokens that belong to
their account, secrets stored once, and what an operator action records (never a secret)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

import pytest

from ocpp_soap.domain import errors
from ocpp_soap.domain import model as m
from ocpp_soap.domain import operator_commands as oc
from ocpp_soap.domain.errors import AlreadyExists, InvalidCommand
from ocpp_soap.domain.model import AuthorizationStatus, IdTag
from ocpp_soap.domain.operator_commands import CreateIdTag
from ocpp_soap.handlers import accounts as handlers

NOW = datetime(2026, 1, 1, tzinfo=UTC)


@dataclass
class Accounts:
    rows: dict[str, m.Account] = field(default_factory=dict)
    tokens: dict[int, m.ApiToken] = field(default_factory=dict)
    secrets: dict[str, str] = field(default_factory=dict)
    generated: dict[str, str] = field(default_factory=dict)

    def get(self, username: str) -> m.Account | None:
        return self.rows.get(username)

    def add(self, account: m.Account) -> None:
        self.rows[account.username] = account

    def save(self, account: m.Account) -> None:
        self.rows[account.username] = account

    def replace_hash(self, username: str, expected_hash: str, new_hash: str) -> bool:
        if self.rows[username].password_hash != expected_hash:
            return False
        self.rows[username].password_hash = new_hash
        return True

    def delete(self, username: str) -> None:
        self.rows.pop(username)
        self.tokens = {k: t for k, t in self.tokens.items() if t.username != username}

    def add_token(self, token: m.ApiToken) -> int:
        token_id = len(self.tokens) + 1
        self.tokens[token_id] = token
        return token_id

    def get_token(self, token_id: int) -> m.ApiToken | None:
        return self.tokens.get(token_id)

    def delete_token(self, token_id: int) -> None:
        self.tokens.pop(token_id)

    def note_token_used(self, token_id: int, at: datetime) -> None:
        pass

    def secret(self, name: str) -> str | None:
        return self.secrets.get(name)

    def add_secret(self, name: str, value: str, at: datetime) -> None:
        self.secrets[name] = value

    def generated_token_hash(self, name: str) -> str | None:
        return self.generated.get(name)

    def add_generated_token(self, name: str, token_hash: str, at: datetime) -> None:
        self.generated[name] = token_hash


@dataclass
class Actions:
    added: list[m.OperatorAction] = field(default_factory=list)

    def add(self, action: m.OperatorAction) -> None:
        self.added.append(action)


@dataclass
class Uow:
    accounts: Accounts = field(default_factory=Accounts)
    operator_actions: Actions = field(default_factory=Actions)


def clock() -> datetime:
    return NOW


def test_roles_are_ordered() -> None:
    assert m.Role.ADMIN.allows(m.Role.OPERATOR) and m.Role.OPERATOR.allows(m.Role.READ_ONLY)
    assert not m.Role.READ_ONLY.allows(m.Role.OPERATOR) and not m.Role.OPERATOR.allows(m.Role.ADMIN)


def test_accounts_are_created_once_with_a_valid_name_and_zone() -> None:
    uow = Uow()
    handlers.create_account(oc.CreateAccount("alice", "hash", m.Role.OPERATOR, "Europe/Berlin"), uow, clock)
    assert uow.accounts.rows["alice"].time_zone == "Europe/Berlin"
    with pytest.raises(AlreadyExists):
        handlers.create_account(oc.CreateAccount("alice", "hash", m.Role.ADMIN), uow, clock)
    with pytest.raises(InvalidCommand, match="username"):
        handlers.create_account(oc.CreateAccount("no spaces", "hash", m.Role.ADMIN), uow, clock)
    with pytest.raises(InvalidCommand, match="timeZone"):
        handlers.create_account(oc.CreateAccount("bob", "hash", m.Role.ADMIN, "Mars/Olympus"), uow, clock)


def test_the_built_in_admin_stays_an_administrator() -> None:
    uow = Uow()
    handlers.create_account(oc.CreateAccount(m.BUILT_IN_ADMIN, "hash", m.Role.ADMIN), uow, clock)
    with pytest.raises(errors.AccountConflict):
        handlers.change_role(oc.ChangeRole(m.BUILT_IN_ADMIN, m.Role.READ_ONLY), uow)
    with pytest.raises(errors.AccountConflict):
        handlers.delete_account(oc.DeleteAccount(m.BUILT_IN_ADMIN), uow)
    with pytest.raises(errors.UnknownAccount):
        handlers.delete_account(oc.DeleteAccount("nobody"), uow)


def test_a_password_compare_and_set_refuses_a_stale_hash() -> None:
    uow = Uow()
    handlers.create_account(oc.CreateAccount("alice", "old", m.Role.OPERATOR), uow, clock)
    with pytest.raises(errors.AccountConflict):
        handlers.change_password(oc.ChangePassword("alice", "new", expected_hash="other"), uow)
    handlers.change_password(oc.ChangePassword("alice", "new", expected_hash="old"), uow)
    assert uow.accounts.rows["alice"].password_hash == "new"


def test_tokens_belong_to_their_account() -> None:
    uow = Uow()
    handlers.create_account(oc.CreateAccount("alice", "h", m.Role.OPERATOR), uow, clock)
    handlers.create_account(oc.CreateAccount("bob", "h", m.Role.OPERATOR), uow, clock)
    token = handlers.issue_api_token(oc.IssueApiToken("alice", " ci ", "a" * 64), uow, clock)
    assert token.token_id == 1 and token.label == "ci"
    with pytest.raises(InvalidCommand):
        handlers.revoke_api_token(oc.RevokeApiToken(1, "bob"), uow)
    handlers.revoke_api_token(oc.RevokeApiToken(1, "alice"), uow)
    assert uow.accounts.tokens == {}
    with pytest.raises(InvalidCommand, match="label"):
        handlers.issue_api_token(oc.IssueApiToken("alice", "  ", "b" * 64), uow, clock)


def test_secrets_and_the_generated_token_are_stored_once() -> None:
    uow = Uow()
    assert handlers.store_secret(oc.StoreSecret("k", "first"), uow, clock) == "first"
    assert handlers.store_secret(oc.StoreSecret("k", "second"), uow, clock) == "first"
    assert handlers.store_generated_api_token(oc.StoreGeneratedApiToken("api", "h1"), uow, clock) == "h1"
    assert handlers.store_generated_api_token(oc.StoreGeneratedApiToken("api", "h2"), uow, clock) == "h1"


def test_an_operator_action_names_the_record_and_never_a_secret() -> None:
    assert oc.describe(oc.ChangePassword("alice", "secret-hash", expected_hash="old-hash")) == ("ChangePassword", "alice", {})
    action, target, details = oc.describe(CreateIdTag(IdTag("TAG1", AuthorizationStatus.BLOCKED)))
    assert (action, target, details["status"]) == ("CreateIdTag", "TAG1", AuthorizationStatus.BLOCKED)
    assert oc.describe(oc.IssueApiToken("alice", "ci", "hash"))[2] == {"label": "ci"}

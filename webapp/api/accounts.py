"""``/api/me``, ``/api/accounts`` (administrators), ``/api/tokens`` (an account's own API tokens) and
``/api/activity`` (who changed what). Writes go through the bus and are recorded with their author."""

from __future__ import annotations

import secrets

from flask import Response
from pydantic import Field

from webapp import context, core, settle
from webapp.readmodel import accounts as rm
from webapp.readmodel.base import Page, Value

from .blueprint import NOT_FOUND, Answer, PathParam, route
from .routing import ApiError, model_response, not_found
from .schemas import AccountChange, AccountFields, ActivityQuery, ErrorAnswer, IssuedToken, Me, PageOf, TokenRequest

ADMIN = core.Role.ADMIN
USERNAME = PathParam("username", "username", "The account's user name")
TOKEN = PathParam("token_id", "tokenId", "The token's id", integer=True)


@route("GET", "/me", summary="Who this token belongs to and the role it has", tag="Accounts",
       answers=(Answer(200, "The token's owner", Me),))
def me() -> Me:
    who = context.principal()
    assert who is not None
    return Me(name=who.name, role=who.role, account=who.account)


class AccountList(Value):
    items: list[rm.AccountItem] = Field(description="Every account, by name")


@route("GET", "/accounts", summary="List operator accounts", tag="Accounts", role=ADMIN,
       answers=(Answer(200, "The accounts", AccountList),))
def list_accounts() -> AccountList:
    return AccountList(items=rm.list_accounts(context.engine()))


def _account(username: str) -> rm.AccountItem:
    for item in rm.list_accounts(context.engine()):
        if item.username == username:
            return item
    raise not_found("account")


@route("POST", "/accounts", summary="Add an operator account", tag="Accounts", role=ADMIN, body=AccountFields,
       answers=(Answer(201, "Added; Location names it", rm.AccountItem),
                Answer(409, "An account with this name exists", ErrorAnswer)))
def create_account(body: AccountFields) -> Response:
    core.check_username(body.username)
    context.write(core.CreateAccount(body.username, core.hash_password(body.password), body.role, body.timeZone))
    response = model_response(_account(body.username), 201)
    response.headers["Location"] = f"/api/accounts/{body.username}"
    return response


@route("GET", "/accounts/<username>", summary="One account", tag="Accounts", role=ADMIN, params=(USERNAME,),
       answers=(Answer(200, "The account", rm.AccountItem), Answer(404, NOT_FOUND, ErrorAnswer)))
def show_account(username: str) -> rm.AccountItem:
    return _account(username)


@route("PATCH", "/accounts/<username>", summary="Change an account's role, password or time zone", tag="Accounts",
       role=ADMIN, params=(USERNAME,), body=AccountChange,
       answers=(Answer(200, "The account as stored now", rm.AccountItem), Answer(404, NOT_FOUND, ErrorAnswer),
                Answer(409, "The built-in admin account stays an administrator", ErrorAnswer)))
def change_account(username: str, body: AccountChange) -> rm.AccountItem:
    _account(username)
    if body.role is not None:
        context.write(core.ChangeRole(username, body.role))
    if body.password is not None:
        context.write(core.ChangePassword(username, core.hash_password(body.password)))
    if body.timeZone is not None:
        context.write(core.SetTimeZone(username, body.timeZone))
    return _account(username)


@route("DELETE", "/accounts/<username>", summary="Remove an account and its tokens", tag="Accounts", role=ADMIN,
       params=(USERNAME,), answers=(Answer(204, "Removed"), Answer(404, NOT_FOUND, ErrorAnswer),
                                    Answer(409, "The built-in admin account cannot be removed", ErrorAnswer)))
def delete_account(username: str) -> Response:
    context.write(core.DeleteAccount(username))
    return Response(status=204)


class TokenList(Value):
    items: list[rm.TokenItem] = Field(description="The tokens (never the tokens themselves: only their hashes are kept)")


@route("GET", "/tokens", summary="This account's API tokens (an administrator's token sees every account's)",
       tag="Accounts", answers=(Answer(200, "The tokens", TokenList),))
def list_tokens() -> TokenList:
    who = context.principal()
    assert who is not None
    every = who.may(ADMIN)
    return TokenList(items=rm.tokens(context.engine(), None if every else who.name))


@route("POST", "/tokens", summary="Issue an API token for this account (it has the account's role)", tag="Accounts",
       body=TokenRequest, answers=(Answer(201, "The token, shown only in this answer", IssuedToken),
                                   Answer(409, "The administrator's configured token belongs to no account", ErrorAnswer)))
def issue_token(body: TokenRequest) -> tuple[IssuedToken, int]:
    who = context.principal()
    assert who is not None
    if not who.account:
        raise ApiError(409, "no-account", "this token belongs to no account; log in to the web app to make tokens")
    token = secrets.token_urlsafe(32)
    issued: core.ApiToken = context.write(core.IssueApiToken(who.name, body.label, settle.hash_token(token)))
    assert issued.token_id is not None
    return IssuedToken(id=issued.token_id, label=issued.label, token=token), 201


@route("DELETE", "/tokens/<int:token_id>", summary="Revoke an API token (one's own; an administrator any)",
       tag="Accounts", params=(TOKEN,), answers=(Answer(204, "Revoked"),))
def revoke_token(token_id: int) -> Response:
    who = context.principal()
    assert who is not None
    context.write(core.RevokeApiToken(token_id, None if who.may(ADMIN) else who.name))
    return Response(status=204)


class ActivityPage(PageOf[rm.ActivityItem]):
    """A page of operator actions, newest first."""


@route("GET", "/activity", summary="Who changed what: every write by an operator, newest first", tag="Accounts",
       query=ActivityQuery, answers=(Answer(200, "A page of operator actions", ActivityPage),))
def activity(query: ActivityQuery) -> ActivityPage:
    page = Page(query.page, query.per_page)
    listing = rm.list_activity(context.engine(), page, actor=query.actor, target=query.target)
    return ActivityPage(items=listing.items, page=page.number, per_page=page.size, total=listing.total,
                        total_exact=listing.total_exact)

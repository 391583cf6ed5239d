"""``/settings``: every user's own time zone, password and API tokens; ``/accounts``: administrators manage the
operator accounts (add, change role, set a password, remove after a confirmation). Writes go through the bus,
recorded with their author; a new token is shown once (a flash message), only its hash is kept."""

from __future__ import annotations

import secrets
from zoneinfo import available_timezones

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from webapp import context, core, settle
from webapp.readmodel import accounts as stored

from .pages import requires, who

bp = Blueprint("accounts", __name__)
ADMIN = core.Role.ADMIN
ROLES = tuple(role.value for role in core.Role)


def _zones() -> list[str]:
    return ["UTC", *sorted(z for z in available_timezones() if "/" in z and not z.startswith(("Etc/", "SystemV/")))]


@bp.get("/settings")
def settings() -> ResponseReturnValue:
    me = who()
    return render_template("ui/settings.html", me=me, zones=_zones(),
                           tokens=stored.tokens(context.engine(), me.name) if me.account else [])


@bp.post("/settings/time-zone")
def set_time_zone() -> ResponseReturnValue:
    zone = request.form.get("timeZone", "UTC").strip()
    context.write(core.SetTimeZone(who().name, zone))
    flash(f"Times are now shown in {zone}.", "success")
    return redirect(url_for(".settings"))


@bp.post("/settings/password")
def change_own_password() -> ResponseReturnValue:
    me = who()
    found = stored.stored_account(context.engine(), me.name)
    if found is None or not core.verify_password(found.password_hash, request.form.get("current", "")):
        raise core.InvalidInput("current", "the current password is wrong")
    if request.form.get("new", "") != request.form.get("again", ""):
        raise core.InvalidInput("again", "the two new passwords differ")
    context.write(core.ChangePassword(me.name, core.hash_password(request.form.get("new", ""), "new")))
    flash("Password changed: your other sessions have ended; log in again.", "success")
    return redirect(url_for("ui.auth.login"))


@bp.post("/settings/tokens")
def issue_token() -> ResponseReturnValue:
    me = who()
    token = secrets.token_urlsafe(32)
    context.write(core.IssueApiToken(me.name, request.form.get("label", ""), settle.hash_token(token)))
    # The session cookie is already a credential of this account: showing the token once through it adds no risk.
    flash(f"New API token (shown only now; it has your role, {me.role.value}): {token}", "token")
    return redirect(url_for(".settings"))


@bp.get("/settings/tokens/<int:token_id>/revoke")
def confirm_revoke(token_id: int) -> ResponseReturnValue:
    return render_template("ui/confirm.html", title=f"Revoke API token {token_id}?",
                           action=url_for(".revoke_token", token_id=token_id), button="Revoke the token",
                           cancel=request.args.get("back") or url_for(".settings"),
                           consequences=["Requests with it are refused (401) from now on."],
                           fields={"back": request.args.get("back") or url_for(".settings")})


@bp.post("/settings/tokens/<int:token_id>/revoke")
def revoke_token(token_id: int) -> ResponseReturnValue:
    me = who()
    context.write(core.RevokeApiToken(token_id, None if me.may(ADMIN) else me.name))
    flash(f"API token {token_id} revoked.", "success")
    target = request.form.get("back", "")
    return redirect(target if target.startswith("/") and not target.startswith("//") else url_for(".settings"))


@bp.get("/accounts")
@requires(ADMIN)
def index() -> ResponseReturnValue:
    return render_template("ui/accounts.html", accounts=stored.list_accounts(context.engine()), roles=ROLES,
                           zones=_zones(), tokens=stored.tokens(context.engine()), builtin=core.BUILT_IN_ADMIN)


@bp.post("/accounts")
@requires(ADMIN)
def create() -> ResponseReturnValue:
    username = request.form.get("username", "").strip()
    core.check_username(username)
    role = request.form.get("role", "read-only")
    if role not in ROLES:
        raise core.InvalidInput("role", f"expected one of {', '.join(ROLES)}")
    context.write(core.CreateAccount(username, core.hash_password(request.form.get("password", "")), core.Role(role),
                                     request.form.get("timeZone", "UTC") or "UTC"))
    flash(f"Account {username} added ({role}).", "success")
    return redirect(url_for(".index"))


@bp.post("/accounts/<username>/role")
@requires(ADMIN)
def change_role(username: str) -> ResponseReturnValue:
    role = request.form.get("role", "")
    if role not in ROLES:
        raise core.InvalidInput("role", f"expected one of {', '.join(ROLES)}")
    context.write(core.ChangeRole(username, core.Role(role)))
    flash(f"{username} is now {role}.", "success")
    return redirect(url_for(".index"))


@bp.post("/accounts/<username>/password")
@requires(ADMIN)
def set_password(username: str) -> ResponseReturnValue:
    context.write(core.ChangePassword(username, core.hash_password(request.form.get("password", ""))))
    flash(f"Password of {username} set; their sessions have ended.", "success")
    return redirect(url_for(".index"))


@bp.get("/accounts/<username>/remove")
@requires(ADMIN)
def confirm_remove(username: str) -> ResponseReturnValue:
    if stored.stored_account(context.engine(), username) is None:
        abort(404, description=f"No account {username!r}.")
    return render_template("ui/confirm.html", title=f"Remove account {username}?",
                           action=url_for(".remove", username=username), button="Remove the account",
                           cancel=url_for(".index"),
                           consequences=["Its sessions end and its API tokens stop working.",
                                         "What it did stays recorded under its name."])


@bp.post("/accounts/<username>/remove")
@requires(ADMIN)
def remove(username: str) -> ResponseReturnValue:
    context.write(core.DeleteAccount(username))
    flash(f"Account {username} removed.", "success")
    return redirect(url_for(".index"))

"""Login and logout (Flask-Login, a Flask-WTF form), with a per-address limit on failed attempts (in memory,
per process). A password stored with an older hash is re-hashed at its next successful login."""

from __future__ import annotations

import threading
import time
from collections import deque

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_login import login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import HiddenField, PasswordField, StringField
from wtforms.validators import DataRequired

from webapp import context, core
from webapp.readmodel import accounts as stored

from .pages import User

bp = Blueprint("auth", __name__)

PUBLIC_ENDPOINTS = frozenset({"ui.auth.login"})
MAX_FAILURES = 5  # within WINDOW_S, from one address; then refused until the oldest failure leaves the window
WINDOW_S = 300.0
FAILURE_DELAY_S = 0.3  # every wrong password costs the guesser this much


class FailedLogins:
    """Recent failed logins per client address; a small in-memory guard against guessing."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._failures: dict[str, deque[float]] = {}

    def _recent(self, address: str, now: float) -> deque[float]:
        failures = self._failures.setdefault(address, deque())
        while failures and failures[0] <= now - WINDOW_S:
            failures.popleft()
        return failures

    def locked_for(self, address: str) -> float:
        """Seconds until ``address`` may try again (0: it may now)."""
        now = time.monotonic()
        with self._lock:
            failures = self._recent(address, now)
            return failures[0] + WINDOW_S - now if len(failures) >= MAX_FAILURES else 0.0

    def record(self, address: str) -> None:
        now = time.monotonic()
        with self._lock:
            self._recent(address, now).append(now)
            if len(self._failures) > 10_000:  # never grow without bound under a spray of addresses
                self._failures = {a: f for a, f in self._failures.items() if self._recent(a, now)}

    def clear(self, address: str) -> None:
        with self._lock:
            self._failures.pop(address, None)


failed_logins = FailedLogins()


class LoginForm(FlaskForm):  # type: ignore[misc]
    username = StringField("User name", validators=[DataRequired()], default="admin")
    password = PasswordField("Password", validators=[DataRequired()])
    next = HiddenField()


def _safe_next(target: str | None) -> str:
    """Only a path on this site: never another host (``//evil``, ``https://evil``)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return url_for("ui.dashboard.index")
    return target


@bp.route("/login", methods=["GET", "POST"])
def login() -> ResponseReturnValue:
    form = LoginForm()
    target = _safe_next(request.values.get("next"))
    if request.method == "GET":
        form.next.data = target
        return render_template("ui/login.html", form=form, error=None)
    address = request.remote_addr or "?"
    wait = failed_logins.locked_for(address)
    if wait:
        message = f"Too many failed attempts; try again in {int(wait) + 1} seconds."
        return render_template("ui/login.html", form=form, error=message), 429
    username, password = (form.username.data or "").strip(), form.password.data or ""
    found = stored.stored_account(context.engine(), username) if username else None
    if found is None or not core.verify_password(found.password_hash, password):
        failed_logins.record(address)
        time.sleep(FAILURE_DELAY_S)
        return render_template("ui/login.html", form=form, error="Wrong user name or password."), 401
    failed_logins.clear(address)
    password_hash = found.password_hash
    if core.needs_rehash(password_hash):
        newer = core.hash_password(password) if len(password) >= core.PASSWORD_MIN_LENGTH else None
        if newer is not None:
            gw = context.gateway()
            try:
                core.handle_as(gw.bus, core.ChangePassword(username, newer, expected_hash=password_hash), username,
                               gw.clock)
                password_hash = newer
            except core.AccountConflict:
                pass
    session.clear()  # a new session: a new CSRF token too
    login_user(User(found.username, found.role, found.time_zone, password_hash))
    flash(f"Logged in as {found.username} ({found.role}).", "info")
    return redirect(target)


@bp.post("/logout")
def logout() -> ResponseReturnValue:
    logout_user()
    session.clear()
    return redirect(url_for("ui.auth.login"))

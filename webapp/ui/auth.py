"""Login and logout, with a per-address limit on failed attempts (in memory, per process)."""

from __future__ import annotations

import threading
import time
from collections import deque

from flask import Blueprint, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue

from . import accounts, csrf

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


def _safe_next(target: str | None) -> str:
    """Only a path on this site: never another host (``//evil``, ``https://evil``)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return url_for("ui.dashboard.index")
    return target


@bp.route("/login", methods=["GET", "POST"])
def login() -> ResponseReturnValue:
    from . import account

    target = _safe_next(request.values.get("next"))
    if request.method == "GET":
        return render_template("ui/login.html", next=target, error=None)
    address = request.remote_addr or "?"
    wait = failed_logins.locked_for(address)
    if wait:
        message = f"Too many failed attempts; try again in {int(wait) + 1} seconds."
        return render_template("ui/login.html", next=target, error=message), 429
    username = request.form.get("username", "")
    password = request.form.get("password", "")
    admin = account()
    if username != accounts.ADMIN or not admin.verify(password):
        failed_logins.record(address)
        time.sleep(FAILURE_DELAY_S)
        return render_template("ui/login.html", next=target, error="Wrong user name or password."), 401
    failed_logins.clear(address)
    session.clear()
    session["user"] = accounts.ADMIN
    session["pw"] = admin.fingerprint()
    csrf.renew()
    return redirect(target)


@bp.post("/logout")
def logout() -> ResponseReturnValue:
    session.clear()
    return redirect(url_for("ui.auth.login"))

"""The operator web app: server-rendered pages behind a login, one blueprint per area.

Register it with ``app.register_blueprint(webapp.ui.bp)`` after ``app.extensions["ocpp_gateway"]`` is set. At
registration the admin account is settled (``accounts.py``) and the session cookie set up: signed with
``OCPP_SOAP_SECRET_KEY``, or else with a secret derived from the stored password hash, so that every worker and
node shares it and a new password ends every session. The cookie is HttpOnly, SameSite=Lax, and Secure on https.

Only the web app's own paths get a session: ``/api`` (bearer token), ``/healthz``, ``/metrics`` and the SOAP
endpoints (dispatched before Flask) never see a cookie. Reads use query functions, writes go through the bus.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from flask import Blueprint, Flask, current_app, redirect, render_template, request, session, url_for
from flask.blueprints import BlueprintSetupState
from flask.sessions import SecureCookieSessionInterface, SessionMixin
from flask.typing import ResponseReturnValue
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.exceptions import HTTPException

from ocpp_soap.domain.errors import DomainError

from . import (
    accounts,
    apidocs,
    auth,
    csrf,
    dashboard,
    formatting,
    idtags,
    messages,
    reservations,
    stations,
    transactions,
)

logger = logging.getLogger(__name__)

ACCOUNT_EXTENSION = "ocpp_admin_account"
NOT_UI = ("/api", "/healthz", "/metrics")

bp = Blueprint("ui", __name__)
for child in (auth.bp, dashboard.bp, stations.bp, idtags.bp, transactions.bp, reservations.bp, messages.bp,
              apidocs.bp):
    bp.register_blueprint(child)

_settle_lock = threading.Lock()


def account(app: Flask | None = None) -> accounts.AdminAccount:
    """The admin account of this process, settled once (raises SQLAlchemyError while the database is down)."""
    app = app or current_app  # type: ignore[assignment]
    found: accounts.AdminAccount | None = app.extensions.get(ACCOUNT_EXTENSION)
    if found is None:
        with _settle_lock:
            found = app.extensions.get(ACCOUNT_EXTENSION)
            if found is None:
                settings = app.extensions["ocpp_gateway"].settings
                found = accounts.load_or_create(app.extensions["ocpp_gateway"].database, settings.admin_password)
                app.extensions[ACCOUNT_EXTENSION] = found
                app.secret_key = settings.secret_key or found.session_secret()
    return found


class UiSessionInterface(SecureCookieSessionInterface):
    """The signed cookie session, only on the web app's paths, with a secret settled from the admin account."""

    def open_session(self, app: Flask, request: Any) -> SessionMixin | None:
        path: str = request.path
        if any(path == prefix or path.startswith(prefix + "/") for prefix in NOT_UI):
            return self.make_null_session(app)
        try:
            account(app)
        except SQLAlchemyError:
            return self.make_null_session(app)
        return super().open_session(app, request)

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(request.is_secure) or super().get_cookie_secure(app)


@bp.record_once
def _setup(state: BlueprintSetupState) -> None:
    """Settle the account at start, so that a generated password is logged when the operator looks; if the
    database does not answer yet, the first page request settles it."""
    app = state.app
    app.session_interface = UiSessionInterface()
    app.config.update(SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax", SESSION_COOKIE_NAME="ocpp_session")
    app.jinja_env.globals.update(csrf_token=csrf.token, csrf_field=csrf.FIELD)
    formatting.register(app)
    try:
        account(app)
    except SQLAlchemyError as exc:
        logger.warning("web app account not settled at start (database unavailable: %s); will retry",
                       type(exc).__name__)


@bp.before_request
def _guard() -> ResponseReturnValue | None:
    """Every page but the login page needs a logged-in session; every POST needs the CSRF token."""
    try:
        admin = account()
    except SQLAlchemyError:
        return render_template("ui/error.html", title="Unavailable",
                               message="The database does not answer; retry later."), 503
    csrf.protect()
    if request.endpoint in auth.PUBLIC_ENDPOINTS:
        return None
    if session.get("user") != accounts.ADMIN or session.get("pw") != admin.fingerprint():
        session.clear()
        return redirect(url_for("ui.auth.login", next=request.full_path.rstrip("?")))
    return None


@bp.errorhandler(DomainError)
def _domain_error(exc: DomainError) -> ResponseReturnValue:
    from webapp.api.errors import from_domain

    error = from_domain(exc)
    return render_template("ui/error.html", title="Refused", message=error.message), error.status


@bp.errorhandler(HTTPException)
def _http_error(exc: HTTPException) -> ResponseReturnValue:
    if exc.code is None or exc.code >= 500:
        return exc  # ours to fix, not the operator's: Flask's own answer (and the traceback in the log)
    return render_template("ui/error.html", title=exc.name, message=exc.description), exc.code or 500

"""The operator web app: server-rendered pages behind a login (Flask-Login), every form with a CSRF token
(Flask-WTF), one blueprint per area, live regions refreshed by htmx (``static/vendor``, no build step).

Only the web app's own paths get a session: ``/api`` (bearer tokens), ``/healthz``, ``/metrics`` and the SOAP
endpoints (dispatched before Flask) never see a cookie. The cookie is signed with ``OCPP_SOAP_SECRET_KEY`` or a
key generated once and shared by every worker (``settle.py``); it is HttpOnly, SameSite=Lax, Secure on https.
An account's session carries a fingerprint of its password hash: a new password ends its sessions.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Blueprint, Flask, Response, redirect, render_template, request, url_for
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from flask.typing import ResponseReturnValue
from flask_login import LoginManager, current_user
from flask_wtf.csrf import CSRFError, CSRFProtect
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.exceptions import HTTPException

from webapp import context, core

from . import (
    accounts,
    activity,
    apidocs,
    auth,
    commands,
    connectors,
    dashboard,
    formatting,
    idtags,
    messages,
    reservations,
    stations,
    transactions,
)
from .pages import User, load_user

logger = logging.getLogger(__name__)

NOT_UI = ("/api", "/healthz", "/metrics")

bp = Blueprint("ui", __name__)
for child in (auth.bp, dashboard.bp, stations.bp, connectors.bp, idtags.bp, transactions.bp, reservations.bp,
              messages.bp, commands.bp, accounts.bp, activity.bp, apidocs.bp):
    bp.register_blueprint(child)

csrf = CSRFProtect()
login_manager = LoginManager()


class UiSessionInterface(SecureCookieSessionInterface):
    """The signed cookie session, only on the web app's paths, once the session key is settled."""

    def open_session(self, app: Flask, request: Any) -> SecureCookieSession | None:
        path: str = request.path
        if any(path == prefix or path.startswith(prefix + "/") for prefix in NOT_UI):
            return self.make_null_session(app)  # type: ignore[return-value]
        try:
            context.settled(app)
        except (SQLAlchemyError, core.StorageUnavailable):
            return self.make_null_session(app)  # type: ignore[return-value]
        return super().open_session(app, request)

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(request.is_secure) or super().get_cookie_secure(app)


def setup(app: Flask, *, exempt: tuple[Blueprint, ...]) -> None:
    app.session_interface = UiSessionInterface()
    app.config.update(
        SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax", SESSION_COOKIE_NAME="ocpp_session",
        # A token for the session's lifetime: a page left open for hours still posts. Same-site cookies and the
        # token already stop cross-site posts; the Referer check would refuse proxies that strip it.
        WTF_CSRF_TIME_LIMIT=None, WTF_CSRF_SSL_STRICT=False,
    )
    csrf.init_app(app)
    for blueprint in exempt:
        csrf.exempt(blueprint)
    login_manager.init_app(app)
    login_manager.user_loader(load_user)
    login_manager.unauthorized_handler(_unauthorized)
    login_manager.session_protection = None  # the fingerprint of the password hash does that job, per worker alike
    formatting.register(app)


def _unauthorized() -> ResponseReturnValue:
    target = url_for("ui.auth.login", next=request.full_path.rstrip("?")).replace("%2F", "/")
    if request.headers.get("HX-Request"):
        response = Response(status=401)
        response.headers["HX-Redirect"] = target
        return response
    return redirect(target)


@bp.before_request
def _guard() -> ResponseReturnValue | None:
    """Every page but the login page needs a logged-in session."""
    try:
        context.settled()
    except (SQLAlchemyError, core.StorageUnavailable):
        return render_template("ui/error.html", title="Unavailable",
                               message="The database does not answer; retry later."), 503
    user = current_user if current_user.is_authenticated else None
    if isinstance(user, User):
        context.set_principal(context.Principal(user.username, core.Role(user.role), user.time_zone))
    if request.endpoint in auth.PUBLIC_ENDPOINTS:
        return None
    if user is None:
        return _unauthorized()
    return None


@bp.errorhandler(core.DomainError)
def _domain_error(exc: core.DomainError) -> ResponseReturnValue:
    from webapp.api.routing import from_domain

    error = from_domain(exc)
    return render_template("ui/error.html", title="Refused", message=error.message), error.status


@bp.errorhandler(CSRFError)
def _csrf_error(exc: CSRFError) -> ResponseReturnValue:
    message = ("The form has expired or did not come from this site (CSRF check failed); reload the page and try "
               "again.")
    return render_template("ui/error.html", title="Form refused", message=message), 400


@bp.errorhandler(HTTPException)
def _http_error(exc: HTTPException) -> ResponseReturnValue:
    if exc.code is None or exc.code >= 500:
        return exc  # ours to fix, not the operator's: Flask's own answer (and the traceback in the log)
    return render_template("ui/error.html", title=exc.name, message=exc.description), exc.code or 500

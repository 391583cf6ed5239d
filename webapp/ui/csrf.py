"""CSRF protection for every POST of the web app: a random token per session, sent back in each form.

Forms carry it in a hidden ``csrf_token`` field (the template global ``csrf_token()`` writes it); a POST whose
token is missing or differs from the session's is refused with 400 before any view runs.
"""

from __future__ import annotations

import hmac
import secrets

from flask import abort, request, session

FIELD = "csrf_token"
_KEY = "csrf"


def token() -> str:
    """The session's token, made on first use."""
    value = session.get(_KEY)
    if not isinstance(value, str):
        value = secrets.token_urlsafe(32)
        session[_KEY] = value
    return value


def renew() -> None:
    """A new token, after the session changed hands (login)."""
    session[_KEY] = secrets.token_urlsafe(32)


def protect() -> None:
    """Refuse a POST without the session's token."""
    if request.method != "POST":
        return
    expected = session.get(_KEY)
    presented = request.form.get(FIELD, "")
    if not isinstance(expected, str) or not presented or not hmac.compare_digest(expected, presented):
        abort(400, description="The form has expired or did not come from this site (CSRF check failed); "
                               "reload the page and try again.")

"""The REST API under ``/api``: JSON, bearer-token authentication, one blueprint per area.

Register it with ``app.register_blueprint(webapp.api.bp)`` after ``app.extensions["ocpp_gateway"]`` is set: the
token is settled then (the configured one, or a stored one, generated and logged once at first start).

Authentication runs before routing answers, for every path under ``/api``, so that without the token nothing
tells whether a resource (or even a route) exists. Domain errors become HTTP errors in ``errors.py`` only.
"""

from __future__ import annotations

import logging
import threading

from flask import Blueprint, Flask, Response, current_app, request
from flask.blueprints import BlueprintSetupState
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.exceptions import HTTPException

from ocpp_soap.domain.errors import DomainError, StorageUnavailable

from . import commands, idtags, messages, openapi, relay, reservations, stations, token_store, transactions
from .errors import ApiError, error_response, from_domain

logger = logging.getLogger(__name__)

PREFIX = "/api"
TOKEN_EXTENSION = "ocpp_api_token"

bp = Blueprint("api", __name__, url_prefix=PREFIX)
for child in (stations.bp, idtags.bp, transactions.bp, reservations.bp, messages.bp, commands.bp, openapi.bp, relay.bp):
    bp.register_blueprint(child)


_settle_lock = threading.Lock()


@bp.record_once
def _settle_token(state: BlueprintSetupState) -> None:
    """Settle the token at start, so that a generated one is logged when the operator looks; if the database
    does not answer yet, the gateway still starts (stations and /healthz need no token) and the first API
    request settles it."""
    state.app.extensions[TOKEN_EXTENSION] = None
    try:
        _verifier(state.app)
    except SQLAlchemyError as exc:
        logger.warning("API token not settled at start (database unavailable: %s); will retry", type(exc).__name__)


def _verifier(app: Flask) -> token_store.TokenVerifier:
    verifier: token_store.TokenVerifier | None = app.extensions.get(TOKEN_EXTENSION)
    if verifier is None:
        with _settle_lock:
            verifier = app.extensions.get(TOKEN_EXTENSION)
            if verifier is None:
                gateway = app.extensions["ocpp_gateway"]
                verifier = token_store.load_or_create(gateway.database, gateway.settings.api_token)
                app.extensions[TOKEN_EXTENSION] = verifier
    return verifier


def _is_api_path(path: str) -> bool:
    return path == PREFIX or path.startswith(PREFIX + "/")


@bp.before_app_request
def _authenticate() -> Response | None:
    """Refuse any /api request without the right token, before routing can say 404 or 405."""
    if not _is_api_path(request.path):
        return None
    try:
        verifier = _verifier(current_app)  # type: ignore[arg-type]
    except SQLAlchemyError:
        return error_response(ApiError(503, "unavailable", "the database does not answer; retry later"))
    scheme, _, presented = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not verifier.verify(presented.strip()):
        return error_response(ApiError(401, "unauthorized", "a valid bearer token is required"))
    if request.routing_exception is not None and isinstance(request.routing_exception, HTTPException):
        exc = request.routing_exception
        if exc.code in (404, 405):
            code = "not-found" if exc.code == 404 else "method-not-allowed"
            return error_response(ApiError(exc.code, code, exc.description or code))
    return None


@bp.errorhandler(ApiError)
def _api_error(exc: ApiError) -> Response:
    return error_response(exc)


@bp.errorhandler(StorageUnavailable)
def _storage_unavailable(exc: StorageUnavailable) -> Response:
    logger.warning("API request not served: the database is unavailable (%s)", exc)
    return error_response(ApiError(503, "unavailable", "the database does not answer; retry later"))


@bp.errorhandler(DomainError)
def _domain_error(exc: DomainError) -> Response:
    return error_response(from_domain(exc))

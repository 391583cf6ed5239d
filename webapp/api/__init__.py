"""The REST API under ``/api``: JSON, bearer tokens with roles, one route declaration per operation (``routing``),
an OpenAPI document generated from those declarations (``openapi``).

Authentication runs before routing answers, for every path under ``/api``, so that without a valid token nothing
tells whether a resource (or even a route) exists. A token is the administrator's (``OCPP_SOAP_API_TOKEN``, or the
one generated at first start) or an account's, with that account's role. Domain errors become HTTP errors in
``routing.py`` only.
"""

from __future__ import annotations

import hmac
import logging
from datetime import timedelta

from flask import Response, current_app, request
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.exceptions import HTTPException

from webapp import context, core, settle
from webapp.readmodel import accounts as stored_accounts

from . import accounts, commands, records, relay, stations, transactions  # noqa: F401 - they declare the routes
from .blueprint import PREFIX, Answer, bp, route
from .routing import ApiError, error_response, from_domain, json_response

logger = logging.getLogger(__name__)

ADMIN_TOKEN_NAME = "OCPP_SOAP_API_TOKEN"
NOTE_USE_EVERY = timedelta(minutes=1)


@route("GET", "/openapi.json", summary="This API's OpenAPI document", tag="API",
       answers=(Answer(200, "The document (OpenAPI 3.1, JSON)", schema={
           "type": "object", "required": ["openapi", "info", "paths"],
           "description": "An OpenAPI 3.1 document (https://spec.openapis.org/oas/v3.1.0)"}),))
def openapi_document() -> Response:
    from .openapi import document

    return json_response(document())


def _is_api_path(path: str) -> bool:
    return path == PREFIX or path.startswith(PREFIX + "/")


def _principal(presented: str) -> context.Principal | None:
    app_settled = context.settled(current_app)  # type: ignore[arg-type]
    digest = settle.hash_token(presented)
    if hmac.compare_digest(digest.encode("ascii"), app_settled.api_token_hash.encode("ascii")):
        return context.Principal(ADMIN_TOKEN_NAME, core.Role.ADMIN, account=False)
    owner = stored_accounts.token_owner(context.engine(), digest)
    if owner is None:
        return None
    if owner.last_used_at is None or context.now() - owner.last_used_at >= NOTE_USE_EVERY:
        try:
            context.gateway().bus.handle(core.NoteTokenUsed(owner.token_id))
        except (SQLAlchemyError, core.StorageUnavailable):
            logger.info("could not note the use of API token %d", owner.token_id)
    return context.Principal(owner.username, core.Role(owner.role))


@bp.before_app_request
def _authenticate() -> Response | None:
    """Refuse any /api request without a valid token, before routing can say 404 or 405."""
    if not _is_api_path(request.path):
        return None
    scheme, _, presented = request.headers.get("Authorization", "").partition(" ")
    try:
        who = _principal(presented.strip()) if scheme.lower() == "bearer" and presented.strip() else None
    except (SQLAlchemyError, core.StorageUnavailable):
        return error_response(ApiError(503, "unavailable", "the database does not answer; retry later"))
    if who is None:
        return error_response(ApiError(401, "unauthorized", "a valid bearer token is required"))
    context.set_principal(who)
    if request.routing_exception is not None and isinstance(request.routing_exception, HTTPException):
        exc = request.routing_exception
        if exc.code in (404, 405):
            code = "not-found" if exc.code == 404 else "method-not-allowed"
            return error_response(ApiError(exc.code, code, exc.description or code))
    return None


@bp.errorhandler(ApiError)
def _api_error(exc: ApiError) -> Response:
    return error_response(exc)


@bp.errorhandler(core.StorageUnavailable)
def _storage_unavailable(exc: core.StorageUnavailable) -> Response:
    logger.warning("API request not served: the database is unavailable (%s)", exc)
    return error_response(ApiError(503, "unavailable", "the database does not answer; retry later"))


@bp.errorhandler(core.DomainError)
def _domain_error(exc: core.DomainError) -> Response:
    return error_response(from_domain(exc))


__all__ = ["bp"]

"""Every HTTP error of the API, in one place: the JSON shape and how each domain error maps to a status.

Error bodies are ``{"error": {"code", "message", "field"?}}``; ``field`` names the offending input field.
"""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify

from ocpp_soap.domain import operator_commands as oc
from ocpp_soap.domain.errors import (
    DomainError,
    InvalidCommand,
    OperationNotSupported,
    StationNotAccepted,
    TransactionNotOpen,
    UnknownReservation,
    UnknownStation,
)
from ocpp_soap.domain.station_requests import CallOutcome


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, field: str | None = None, **extra: Any) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.field, self.extra = status, code, message, field, extra


def not_found(what: str) -> ApiError:
    return ApiError(404, "not-found", f"{what} not found")


def error_response(error: ApiError) -> Response:
    body: dict[str, Any] = {"code": error.code, "message": error.message}
    if error.field is not None:
        body["field"] = error.field
    response = jsonify({"error": body, **error.extra})
    response.status_code = error.status
    if error.status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="ocpp-soap"'
    return response


def from_domain(exc: DomainError) -> ApiError:
    """The one mapping from domain errors to HTTP answers."""
    if isinstance(exc, UnknownStation):
        return not_found("station")
    if isinstance(exc, oc.UnknownIdTag):
        return not_found("id tag")
    if isinstance(exc, InvalidCommand | TransactionNotOpen | UnknownReservation):
        return ApiError(422, "invalid", str(exc), getattr(exc, "field", None))
    if isinstance(exc, oc.AlreadyExists):
        return ApiError(409, "already-exists", str(exc), exc.field)
    if isinstance(exc, OperationNotSupported):
        return ApiError(409, "operation-not-supported", str(exc))
    if isinstance(exc, StationNotAccepted):
        return ApiError(409, "station-not-accepted", str(exc))
    return ApiError(400, "refused", str(exc))


# What a command toward a station that did not end in an answer becomes.
CALL_FAILURES: dict[CallOutcome, int] = {
    CallOutcome.NO_ADDRESS: 409,
    CallOutcome.TIMEOUT: 504,
    CallOutcome.UNREACHABLE: 502,
    CallOutcome.FAULT: 502,
    CallOutcome.BAD_ANSWER: 502,
}

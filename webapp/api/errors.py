"""Every HTTP error of the API, in one place: the JSON shape and how each domain error maps to a status.

Error bodies are ``{"error": {"code", "message", "field"?}}``; ``field`` names the offending input field.
"""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify

from ocpp_soap.domain.errors import (
    AlreadyExists,
    DomainError,
    FieldNotSupported,
    InvalidCommand,
    InvalidInput,
    OperationNotSupported,
    StationNotAccepted,
    TransactionNotOpen,
    UnknownIdTag,
    UnknownReservation,
    UnknownStation,
)
from ocpp_soap.domain.station_requests import CallOutcome
from ocpp_soap.operations import wire_name


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


def api_field(exc: DomainError, request_type: type[Any] | None = None) -> str | None:
    """The field an error names, as the API names it: input errors already use the input's names; the domain
    names attributes, which are the OCPP names of the request (``entries`` is ``localAuthorisationList``) or,
    elsewhere, the attribute in camelCase (``charge_box_id`` is ``chargeBoxId``)."""
    if exc.field is None or isinstance(exc, InvalidInput):
        return exc.field
    if request_type is not None:
        named = wire_name(request_type, exc.field)
        if named is not None:
            return named
    head, *rest = exc.field.split("_")
    return head + "".join(part.capitalize() for part in rest)


def from_domain(exc: DomainError, request_type: type[Any] | None = None) -> ApiError:
    """The one mapping from domain errors to HTTP answers; ``request_type`` is the request to a station the error
    is about, if any (its spec names the fields)."""
    if isinstance(exc, UnknownStation):
        return not_found("station")
    if isinstance(exc, UnknownIdTag):
        return not_found("id tag")
    if isinstance(exc, InvalidCommand | TransactionNotOpen | UnknownReservation):
        return ApiError(422, "invalid", str(exc), api_field(exc, request_type))
    if isinstance(exc, AlreadyExists):
        return ApiError(409, "already-exists", str(exc), api_field(exc, request_type))
    if isinstance(exc, FieldNotSupported):
        return ApiError(409, "field-not-supported", str(exc), api_field(exc, request_type))
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

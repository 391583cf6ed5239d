"""The OpenAPI 3 document of the REST API, as data, in this one place; served at ``/api/openapi.json``.

A test checks that every Flask route under ``/api`` is here and that every path here answers.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint
from flask.typing import ResponseReturnValue

from ocpp_soap import __version__
from ocpp_soap.domain.message_log import Direction
from ocpp_soap.domain.model import AuthorizationStatus, Protocol, RegistrationStatus, ReservationState
from ocpp_soap.operations import SPECS

from .params import DEFAULT_PER_PAGE, MAX_PER_PAGE

bp = Blueprint("openapi", __name__)

JSON = "application/json"


def _ref(name: str) -> dict[str, Any]:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {JSON: {"schema": schema}}}


def _error(description: str) -> dict[str, Any]:
    return _json(_ref("Error"), description)


def _path(name: str, description: str, schema: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "description": description,
            "schema": schema or {"type": "string"}}


def _query(name: str, description: str, schema: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "description": description,
            "schema": schema or {"type": "string"}}


def _page_of(item: str) -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["items", "page", "per_page", "total", "total_exact"],
        "properties": {
            "items": {"type": "array", "items": _ref(item)},
            "page": {"type": "integer"},
            "per_page": {"type": "integer"},
            "total": {"type": "integer", "description": "How many items match, or at least how many when "
                      "total_exact is false (counting stops 10,000 items past the page asked for)"},
            "total_exact": {"type": "boolean"},
        },
    }


def _op(summary: str, responses: dict[str, Any], *, parameters: list[dict[str, Any]] | None = None,
        body: str | None = None) -> dict[str, Any]:
    operation: dict[str, Any] = {"summary": summary, "responses": {**responses, "401": _error("No or wrong token")}}
    if parameters:
        operation["parameters"] = parameters
    if body:
        operation["requestBody"] = {"required": True, "content": {JSON: {"schema": _ref(body)}}}
    return operation


PAGING = [
    _query("page", "Page number, from 1", {"type": "integer", "minimum": 1, "default": 1}),
    _query("per_page", "Items per page", {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE,
                                           "default": DEFAULT_PER_PAGE}),
]
STATION_ID = _path("chargeBoxId", "The station's chargeBoxIdentity")
ID_TAG = _path("idTag", "The id tag")
INVALID = _error("A field is missing or wrong; `field` names it")
NOT_FOUND = _error("No such resource")
FORMAT = _query("format", "`csv` for a CSV export instead of JSON", {"type": "string", "enum": ["json", "csv"]})
TIME = {"type": "string", "format": "date-time"}
NULLABLE_TEXT = {"type": "string", "nullable": True}

SCHEMAS: dict[str, Any] = {
    "Error": {
        "type": "object",
        "required": ["error"],
        "properties": {"error": {"type": "object", "required": ["code", "message"], "properties": {
            "code": {"type": "string"}, "message": {"type": "string"}, "field": {"type": "string"}}}},
    },
    "Station": {
        "type": "object",
        "properties": {
            "chargeBoxId": {"type": "string"},
            "registrationStatus": {"type": "string", "enum": [s.value for s in RegistrationStatus]},
            "protocol": {"type": "string", "nullable": True, "description": "The bound protocol version"},
            "endpointAddress": NULLABLE_TEXT,
            "addressProblem": {"type": "string", "nullable": True, "description": "Why no address is known"},
            "lastSeenAt": {**TIME, "nullable": True},
            "online": {"type": "boolean"},
        },
    },
    "StationDetail": {
        "allOf": [_ref("Station"), {"type": "object", "properties": {
            "bootDetails": {"type": "object", "nullable": True},
            "bootCount": {"type": "integer"},
            "firstSeenAt": {**TIME, "nullable": True},
            "lastBootAt": {**TIME, "nullable": True},
            "firmwareStatus": NULLABLE_TEXT,
            "diagnosticsStatus": NULLABLE_TEXT,
            "connectors": {"type": "array", "items": {"type": "object", "properties": {
                "connectorId": {"type": "integer"}, "status": {"type": "string"}, "errorCode": {"type": "string"},
                "info": NULLABLE_TEXT, "timestamp": {**TIME, "nullable": True}}}},
        }}],
    },
    "StationRegistration": {
        "type": "object",
        "required": ["chargeBoxId"],
        "properties": {"chargeBoxId": {"type": "string"},
                       "status": {"type": "string", "enum": [s.value for s in RegistrationStatus],
                                  "default": "Accepted"}},
    },
    "IdTag": {
        "type": "object",
        "required": ["idTag", "status"],
        "properties": {
            "idTag": {"type": "string", "maxLength": 20},
            "status": {"type": "string", "enum": [s.value for s in AuthorizationStatus]},
            "expiryDate": {**TIME, "nullable": True},
            "parentIdTag": {"type": "string", "maxLength": 20, "nullable": True},
        },
    },
    "Transaction": {
        "type": "object",
        "properties": {
            "transactionId": {"type": "integer"}, "chargeBoxId": {"type": "string"},
            "connectorId": {"type": "integer"}, "idTag": {"type": "string"}, "startedAt": TIME,
            "meterStart": {"type": "integer"}, "stoppedAt": {**TIME, "nullable": True},
            "meterStop": {"type": "integer", "nullable": True}, "energyWh": {"type": "integer", "nullable": True},
            "stopReason": NULLABLE_TEXT, "open": {"type": "boolean"},
        },
    },
    "TransactionDetail": {
        "allOf": [_ref("Transaction"), {"type": "object", "properties": {"meterValues": {"type": "array", "items": {
            "type": "object", "properties": {"timestamp": TIME, "value": {"type": "string"},
                                             "measurand": NULLABLE_TEXT, "unit": NULLABLE_TEXT,
                                             "phase": NULLABLE_TEXT}}}}}],
    },
    "CommandLogEntry": {
        "type": "object",
        "properties": {
            "id": {"type": "integer"}, "chargeBoxId": {"type": "string"}, "operation": {"type": "string"},
            "parameters": {"type": "object"}, "requestedAt": TIME, "outcome": {"type": "string"},
            "answer": {"type": "object"}, "error": NULLABLE_TEXT, "durationMs": {"type": "number"},
        },
    },
    "Reservation": {
        "type": "object",
        "properties": {
            "reservationId": {"type": "integer", "description": "The id the gateway generated and sent"},
            "chargeBoxId": {"type": "string"}, "connectorId": {"type": "integer"}, "idTag": {"type": "string"},
            "parentIdTag": NULLABLE_TEXT, "expiryDate": TIME,
            "state": {"type": "string", "enum": [s.value for s in ReservationState]}, "createdAt": TIME,
        },
    },
    "Message": {
        "type": "object",
        "properties": {
            "id": {"type": "integer"}, "at": TIME,
            "direction": {"type": "string", "enum": [d.value for d in Direction],
                          "description": "in: the station's request; out: the gateway's call to the station"},
            "chargeBoxId": NULLABLE_TEXT, "operation": NULLABLE_TEXT, "messageId": NULLABLE_TEXT,
            "outcome": {"type": "string", "description": "in: ok, resent, sender-fault, receiver-fault; "
                                                         "out: the command outcome (answered, timeout, ...)"},
            "httpStatus": {"type": "integer", "nullable": True}, "durationMs": {"type": "number"},
            "error": NULLABLE_TEXT,
        },
    },
    "MessageDetail": {
        "allOf": [_ref("Message"), {"type": "object", "properties": {
            "request": {**NULLABLE_TEXT, "description": "As received or sent (long ones are cut)"},
            "response": {**NULLABLE_TEXT, "description": "As sent or received"}}}],
    },
    "CommandFields": {
        "type": "object",
        "description": "The operation's request fields under their OCPP names, e.g. {\"connectorId\": 1, \"idTag\": \"ABC\"}",
        "additionalProperties": True,
    },
    "CommandResult": {
        "type": "object",
        "properties": {
            "outcome": {"type": "string", "enum": ["answered"]},
            "answer": {"type": "object", "description": "The station's answer fields under their OCPP names"},
            "added": {"type": "object", "description": "What the gateway added to the request (reservationId)"},
            "remarks": {"type": "object", "description": "What the gateway concluded from the answer"},
            "durationMs": {"type": "number"},
            "commandLogId": {"type": "integer"},
        },
    },
}

PATHS: dict[str, Any] = {
    "/api/openapi.json": {"get": _op("This document", {"200": _json({"type": "object"}, "OpenAPI 3 document")})},
    "/api/stations": {
        "get": _op("List stations", {"200": _json(_page_of("Station"), "A page of stations"), "422": INVALID},
                   parameters=[
                       _query("status", "Registration status", {"type": "string",
                                                                "enum": [s.value for s in RegistrationStatus]}),
                       _query("version", f"Bound OCPP version: {' or '.join(p.number for p in Protocol)}"),
                       _query("online", "Seen within two heartbeat intervals", {"type": "boolean"}),
                       _query("search", "Part of the station id, case-insensitive"),
                       *PAGING]),
        "post": _op("Register a station", {
            "201": _json(_ref("StationDetail"), "Registered"), "409": _error("Registered already"),
            "422": INVALID}, body="StationRegistration"),
    },
    "/api/stations/{chargeBoxId}": {
        "get": _op("A station: registration, binding, boot details, connectors",
                   {"200": _json(_ref("StationDetail"), "The station"), "404": NOT_FOUND}, parameters=[STATION_ID]),
        "delete": _op("Delete a station and everything stored about it",
                      {"204": {"description": "Deleted"}, "404": NOT_FOUND}, parameters=[STATION_ID]),
    },
    "/api/stations/{chargeBoxId}/accept": {
        "post": _op("Accept a station", {"200": _json(_ref("StationDetail"), "Accepted"), "404": NOT_FOUND},
                    parameters=[STATION_ID]),
    },
    "/api/stations/{chargeBoxId}/reject": {
        "post": _op("Reject a station", {"200": _json(_ref("StationDetail"), "Rejected"), "404": NOT_FOUND},
                    parameters=[STATION_ID]),
    },
    "/api/stations/{chargeBoxId}/commands/{operation}": {
        "post": _op(
            "Send an operator command to a station",
            {
                "200": _json(_ref("CommandResult"), "The station answered (its answer may still be Rejected)"),
                "404": NOT_FOUND,
                "409": _error("The station's version lacks the operation, or no address is known (no-address)"),
                "422": INVALID,
                "502": _error("Unreachable, a SOAP Fault, or an answer that is not OCPP"),
                "504": _error("The station did not answer in time"),
            },
            parameters=[STATION_ID, _path("operation", "The OCPP operation",
                                          {"type": "string", "enum": sorted(SPECS)})],
            body="CommandFields",
        ),
    },
    "/api/idtags": {
        "get": _op("List id tags", {"200": _json(_page_of("IdTag"), "A page of id tags"), "422": INVALID},
                   parameters=PAGING),
        "post": _op("Create an id tag", {"201": _json(_ref("IdTag"), "Created"), "409": _error("Exists already"),
                                         "422": INVALID}, body="IdTag"),
    },
    "/api/idtags/{idTag}": {
        "get": _op("An id tag", {"200": _json(_ref("IdTag"), "The id tag"), "404": NOT_FOUND}, parameters=[ID_TAG]),
        "put": _op("Replace an id tag's status, expiry and parent",
                   {"200": _json(_ref("IdTag"), "Updated"), "404": NOT_FOUND, "422": INVALID},
                   parameters=[ID_TAG], body="IdTag"),
        "delete": _op("Delete an id tag", {"204": {"description": "Deleted"}, "404": NOT_FOUND},
                      parameters=[ID_TAG]),
    },
    "/api/transactions": {
        "get": _op(
            "List transactions, newest first; ?format=csv exports every match (no paging)",
            {"200": {"description": "A page of transactions, or CSV", "content": {
                JSON: {"schema": _page_of("Transaction")}, "text/csv": {"schema": {"type": "string"}}}},
             "422": INVALID},
            parameters=[_query("station", "chargeBoxId"), _query("idTag", "Id tag that started it"),
                        _query("open", "true: still open; false: stopped", {"type": "boolean"}),
                        _query("from", "Started at or after (ISO 8601)", TIME),
                        _query("to", "Started before (ISO 8601)", TIME), FORMAT, *PAGING],
        ),
    },
    "/api/transactions/{transactionId}": {
        "get": _op(
            "A transaction with its meter values; ?format=csv exports the meter values",
            {"200": {"description": "The transaction, or its meter values as CSV", "content": {
                JSON: {"schema": _ref("TransactionDetail")}, "text/csv": {"schema": {"type": "string"}}}},
             "404": NOT_FOUND},
            parameters=[_path("transactionId", "The transaction id", {"type": "integer"}), FORMAT],
        ),
    },
    "/api/reservations": {
        "get": _op("Reservations, newest first",
                   {"200": _json(_page_of("Reservation"), "A page of reservations"), "422": INVALID},
                   parameters=[_query("station", "chargeBoxId"),
                               _query("state", "Reservation state", {"type": "string",
                                                                     "enum": [s.value for s in ReservationState]}),
                               *PAGING]),
    },
    "/api/messages": {
        "get": _op("The SOAP message log, both directions, newest first (without the bodies)",
                   {"200": _json(_page_of("Message"), "A page of the message log"), "422": INVALID},
                   parameters=[_query("station", "chargeBoxId"),
                               _query("direction", "in or out", {"type": "string",
                                                                 "enum": [d.value for d in Direction]}),
                               _query("operation", "OCPP operation"), _query("outcome", "Outcome"),
                               _query("faults", "true: only faults and failed calls", {"type": "boolean"}),
                               *PAGING]),
    },
    "/api/messages/{messageId}": {
        "get": _op("One exchange with its request and response",
                   {"200": _json(_ref("MessageDetail"), "The exchange"), "404": NOT_FOUND},
                   parameters=[_path("messageId", "The log entry's id", {"type": "integer"})]),
    },
    "/api/commands": {
        "get": _op("The command log, newest first",
                   {"200": _json(_page_of("CommandLogEntry"), "A page of the command log"), "422": INVALID},
                   parameters=[_query("station", "chargeBoxId"), *PAGING]),
    },
}

DOCUMENT: dict[str, Any] = {
    "openapi": "3.0.3",
    "info": {"title": "ocpp-soap REST API", "version": __version__,
             "description": f"Operate OCPP {'/'.join(p.number for p in Protocol)} SOAP stations. Every request needs "
                            "`Authorization: Bearer <token>`."},
    "servers": [{"url": "/"}],
    "security": [{"bearer": []}],
    "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}, "schemas": SCHEMAS},
    "paths": PATHS,
}


@bp.get("/openapi.json")
def document() -> ResponseReturnValue:
    return DOCUMENT

"""How an API route is declared: method, path, the role it needs, the typed query, body and answers. The
declaration registers the Flask view (which checks the role, validates query and body with their pydantic
models and renders the answer model as JSON) and is what ``openapi.py`` describes, so the document cannot
drift from what the routes take and give. Every HTTP error of the API is made here too.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from flask import Blueprint, Response, request
from pydantic import BaseModel, ValidationError

from webapp import context, core

JSON = "application/json"


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
    response = json_response({"error": body, **error.extra}, error.status)
    if error.status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="ocpp-soap"'
    return response


def api_field(exc: core.DomainError, request_type: type[Any] | None = None) -> str | None:
    """The field an error names, as the API names it: input errors already use the input's names; the domain
    names attributes, which are the OCPP names of the request (``entries`` is ``localAuthorisationList``) or,
    elsewhere, the attribute in camelCase (``charge_box_id`` is ``chargeBoxId``)."""
    if exc.field is None or isinstance(exc, core.InvalidInput):
        return exc.field
    if request_type is not None:
        named = core.wire_name(request_type, exc.field)
        if named is not None:
            return named
    head, *rest = exc.field.split("_")
    return head + "".join(part.capitalize() for part in rest)


def from_domain(exc: core.DomainError, request_type: type[Any] | None = None) -> ApiError:
    """The one mapping from domain errors to HTTP answers (the pages use it too); ``request_type`` is the request
    to a station the error is about, if any (its spec names the fields)."""
    field_name = api_field(exc, request_type)
    if isinstance(exc, core.UnknownStation):
        return not_found("station")
    if isinstance(exc, core.UnknownIdTag):
        return not_found("id tag")
    if isinstance(exc, core.UnknownAccount):
        return not_found("account")
    if isinstance(exc, core.InvalidCommand | core.TransactionNotOpen | core.UnknownReservation):
        return ApiError(422, "invalid", str(exc), field_name)
    if isinstance(exc, core.AlreadyExists):
        return ApiError(409, "already-exists", str(exc), field_name)
    if isinstance(exc, core.AccountConflict):
        return ApiError(409, "conflict", str(exc), field_name)
    if isinstance(exc, core.FieldNotSupported):
        return ApiError(409, "field-not-supported", str(exc), field_name)
    if isinstance(exc, core.OperationNotSupported):
        return ApiError(409, "operation-not-supported", str(exc))
    if isinstance(exc, core.StationNotAccepted):
        return ApiError(409, "station-not-accepted", str(exc))
    return ApiError(400, "refused", str(exc))


def json_response(body: Any, status: int = 200) -> Response:
    import json

    return Response(json.dumps(body, ensure_ascii=False, default=str), status=status, mimetype=JSON)


def model_response(value: BaseModel, status: int = 200) -> Response:
    return Response(value.model_dump_json(by_alias=True), status=status, mimetype=JSON)


@dataclass(frozen=True)
class Answer:
    status: int
    description: str
    model: type[BaseModel] | tuple[type[BaseModel], ...] | None = None  # a tuple: one of these
    csv: str | None = None  # a CSV alternative (?format=csv): what its rows are
    schema: dict[str, Any] | None = None  # a JSON answer described by a schema of its own (not a model)


@dataclass(frozen=True)
class PathParam:
    flask_name: str
    name: str
    description: str
    integer: bool = False


@dataclass
class Route:
    method: str
    path: str  # OpenAPI form: /api/stations/{chargeBoxId}
    summary: str
    description: str
    tag: str
    role: core.Role
    params: tuple[PathParam, ...]
    query: type[BaseModel] | None
    body: type[BaseModel] | None
    body_schema: Callable[[], dict[str, Any]] | None
    answers: tuple[Answer, ...]
    statuses: dict[int, str] = field(default_factory=dict)


ROUTES: list[Route] = []


def _first_error(exc: ValidationError, default: str) -> tuple[str, str]:
    error = exc.errors()[0]
    loc = [str(part) for part in error.get("loc", ()) if not isinstance(part, int)]
    name = loc[0] if loc else default
    message = error.get("msg", "invalid")
    if error.get("type") == "extra_forbidden":
        message = "unknown field"
    elif error.get("type") == "missing":
        message = "required"
    return name, message


def validate(model: type[BaseModel], data: Mapping[str, Any], default_field: str) -> Any:
    try:
        return model.model_validate(dict(data))
    except ValidationError as exc:
        name, message = _first_error(exc, default_field)
        raise core.InvalidInput(name, message) from None


def query_args() -> dict[str, str]:
    """The query string, without empty values (an empty filter is no filter)."""
    return {key: value for key, value in request.args.items() if value != ""}


def json_object() -> Mapping[str, Any]:
    """The request body as a JSON object; an empty body counts as ``{}``."""
    if not request.get_data(cache=True):
        return {}
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise core.InvalidInput("body", "expected a JSON object")
    return body


def declare(bp: Blueprint, prefix: str, method: str, rule: str, *, summary: str, tag: str,
            answers: tuple[Answer, ...], role: core.Role = core.Role.READ_ONLY, description: str = "",
            params: tuple[PathParam, ...] = (), query: type[BaseModel] | None = None,
            body: type[BaseModel] | None = None, body_schema: Callable[[], dict[str, Any]] | None = None,
            ) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register ``view`` for ``method rule``; it is called with the path values, and ``query=``/``body=`` as
    validated models. It returns a model (answered 200), a ``(model, status)`` pair, or a ``Response``."""
    path = prefix + rule
    for param in params:
        path = path.replace(f"<int:{param.flask_name}>", "{" + param.name + "}").replace(
            f"<{param.flask_name}>", "{" + param.name + "}")

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(view)
        def endpoint(**values: Any) -> Response:
            who = context.principal()
            if who is None or not who.may(role):
                raise ApiError(403, "forbidden", f"this needs the {role.value} role"
                               + (f"; the token's account has {who.role.value}" if who else ""))
            kwargs = dict(values)
            if query is not None:
                kwargs["query"] = validate(query, query_args(), "query")
            if body is not None:
                kwargs["body"] = validate(body, json_object(), "body")
            result = view(**kwargs)
            if isinstance(result, Response):
                return result
            if isinstance(result, tuple):
                return model_response(result[0], result[1])
            return model_response(result)

        bp.add_url_rule(rule, endpoint=view.__name__, view_func=endpoint, methods=[method])
        ROUTES.append(Route(method.lower(), path, summary, description, tag, role, params, query, body, body_schema,
                            answers))
        return view

    return decorate


CALL_FAILURES: dict[str, int] = {
    "no-address": 409,
    "timeout": 504,
    "unreachable": 502,
    "fault": 502,
    "bad-answer": 502,
}
"""What a command toward a station that did not end in an answer becomes."""

"""The OpenAPI 3.1 document of the REST API, generated from the route declarations (``routing.ROUTES``) and the
pydantic models that validate their inputs and are their answers; served at ``/api/openapi.json``."""

from __future__ import annotations

from functools import cache
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from webapp import core
from webapp.readmodel import charging

from .routing import ROUTES, Answer, Route
from .schemas import ErrorAnswer

REF = "#/components/schemas/{model}"
TAGS = ["Stations", "Commands", "Transactions", "Id tags", "Reservations", "Message log", "Relay", "Accounts", "API"]
"""The order the document (and the API page) lists routes in."""
JSON = "application/json"
DESCRIPTION = (
    "Operate OCPP 1.2/1.5 SOAP stations. Every request needs `Authorization: Bearer <token>`: the "
    "administrator's token (OCPP_SOAP_API_TOKEN, or the one generated at first start), or an account's token "
    "(POST /api/tokens, or the web app's Settings page), which has the account's role: read-only reads, operator "
    "also sends commands and manages id tags, admin also manages stations and accounts. Errors are "
    "{\"error\": {\"code\", \"message\", \"field\"?}}."
)


def _standard(route: Route) -> list[Answer]:
    answers = [Answer(401, "No token, or a wrong one", ErrorAnswer)]
    if route.role is not core.Role.READ_ONLY:
        answers.append(Answer(403, f"The token's role is below {route.role.value}", ErrorAnswer))
    if route.query or route.body or route.body_schema or route.params:
        answers.append(Answer(422, "A field is missing or wrong; error.field names it", ErrorAnswer))
    answers.append(Answer(503, "The database does not answer; retry later", ErrorAnswer))
    return answers


def _models() -> list[type[BaseModel]]:
    found: dict[str, type[BaseModel]] = {}
    for route in ROUTES:
        for answer in (*route.answers, *_standard(route)):
            models = answer.model if isinstance(answer.model, tuple) else (answer.model,) if answer.model else ()
            for model in models:
                found[model.__name__] = model
        if route.body is not None:
            found[route.body.__name__] = route.body
    return list(found.values())


def _ref(model: type[BaseModel]) -> dict[str, Any]:
    return {"$ref": REF.format(model=model.__name__)}


def _content(answer: Answer) -> dict[str, Any] | None:
    content: dict[str, Any] = {}
    if isinstance(answer.model, tuple):
        content[JSON] = {"schema": {"oneOf": [_ref(model) for model in answer.model]}}
    elif answer.model is not None:
        content[JSON] = {"schema": _ref(answer.model)}
    elif answer.schema is not None:
        content[JSON] = {"schema": answer.schema}
    if answer.csv:
        content["text/csv"] = {"schema": {"type": "string", "description": f"CSV with the columns {answer.csv}"}}
    return content or None


def _parameters(route: Route) -> list[dict[str, Any]]:
    parameters: list[dict[str, Any]] = [
        {"name": p.name, "in": "path", "required": True, "description": p.description,
         "schema": {"type": "integer"} if p.integer else {"type": "string"}}
        for p in route.params
    ]
    if route.params and route.params[-1].name == "operation":
        parameters[-1]["schema"] = {"type": "string", "enum": sorted(_operations())}
    if route.query is not None:
        schema = route.query.model_json_schema(ref_template=REF, by_alias=True)
        required = set(schema.get("required", []))
        for name, prop in schema.get("properties", {}).items():
            description = prop.pop("description", "")
            prop.pop("title", None)
            parameters.append({"name": name, "in": "query", "required": name in required,
                               "description": description, "schema": prop})
    return parameters


def _operations() -> list[str]:
    from webapp import operations

    return list(operations.operation_forms())


def _operation(route: Route) -> dict[str, Any]:
    responses: dict[str, Any] = {}
    for answer in (*route.answers, *_standard(route)):
        body: dict[str, Any] = {"description": answer.description}
        content = _content(answer)
        if content:
            body["content"] = content
        responses[str(answer.status)] = body
    operation: dict[str, Any] = {
        "summary": route.summary, "tags": [route.tag], "responses": responses,
        "description": route.description or f"Needs the {route.role.value} role.",
    }
    parameters = _parameters(route)
    if parameters:
        operation["parameters"] = parameters
    if route.body is not None:
        operation["requestBody"] = {"required": True, "content": {JSON: {"schema": _ref(route.body)}}}
    elif route.body_schema is not None:
        operation["requestBody"] = {"required": False, "content": {JSON: {"schema": route.body_schema()}}}
    return operation


@cache
def document() -> dict[str, Any]:
    """The whole document (built once per process: routes are declared at import)."""
    pairs = [(model, "serialization") for model in _models()]
    inputs = [route.body for route in ROUTES if route.body is not None]
    pairs = [(m, "validation" if m in inputs else mode) for m, mode in pairs]  # type: ignore[misc]
    _, schemas = models_json_schema(pairs, ref_template=REF, by_alias=True)  # type: ignore[arg-type]
    paths: dict[str, Any] = {}
    for route in sorted(ROUTES, key=lambda r: TAGS.index(r.tag) if r.tag in TAGS else len(TAGS)):
        paths.setdefault(route.path, {})[route.method] = _operation(route)
    return {
        "openapi": "3.1.0",
        "info": {"title": "ocpp-soap REST API", "version": core.__version__, "description": DESCRIPTION},
        "paths": paths,
        "components": {
            "schemas": {**schemas.get("$defs", {}), **charging.profile_schemas()},
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
        "security": [{"bearer": []}],
    }

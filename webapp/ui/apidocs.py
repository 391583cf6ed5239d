"""``/api-docs``: the REST API's OpenAPI document (``webapp/api/openapi.py``) as a readable page, rendered on the
server: every path, its operations, parameters, request body and answers."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template
from flask.typing import ResponseReturnValue

from webapp.api.openapi import DOCUMENT

bp = Blueprint("apidocs", __name__)

METHODS = ("get", "post", "put", "patch", "delete")


def _schema_name(schema: dict[str, Any] | None) -> str:
    """A short description of a schema: its component name, or its type."""
    if not schema:
        return ""
    if "$ref" in schema:
        return str(schema["$ref"]).rsplit("/", 1)[-1]
    if schema.get("type") == "array":
        return f"array of {_schema_name(schema.get('items'))}"
    kind = str(schema.get("type", "object"))
    if "enum" in schema:
        kind += " (" + " | ".join(str(v) for v in schema["enum"]) + ")"
    return kind


def operations(document: dict[str, Any]) -> list[dict[str, Any]]:
    found = []
    for path, item in document.get("paths", {}).items():
        for method in METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            body = (operation.get("requestBody") or {}).get("content", {})
            found.append({
                "method": method.upper(),
                "path": path,
                "summary": operation.get("summary", ""),
                "parameters": [
                    {**parameter, "type": _schema_name(parameter.get("schema"))}
                    for parameter in item.get("parameters", []) + operation.get("parameters", [])
                ],
                "body": {media: _schema_name(content.get("schema")) for media, content in body.items()},
                "responses": [
                    {"status": status, "description": answer.get("description", ""),
                     "schema": ", ".join(_schema_name(c.get("schema")) for c in answer.get("content", {}).values())}
                    for status, answer in sorted(operation.get("responses", {}).items())
                ],
            })
    return found


def schemas(document: dict[str, Any]) -> list[dict[str, Any]]:
    found = []
    for name, schema in sorted(document.get("components", {}).get("schemas", {}).items()):
        required = set(schema.get("required", []))
        found.append({
            "name": name,
            "properties": [
                {"name": prop, "type": _schema_name(spec), "required": prop in required,
                 "description": spec.get("description", "")}
                for prop, spec in schema.get("properties", {}).items()
            ],
        })
    return found


@bp.get("/api-docs")
def index() -> ResponseReturnValue:
    return render_template("ui/apidocs.html", info=DOCUMENT.get("info", {}), operations=operations(DOCUMENT),
                           schemas=schemas(DOCUMENT))

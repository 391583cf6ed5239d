"""``/api-docs``: the REST API's generated OpenAPI document (``webapp/api/openapi.py``) as a readable page, on the
server: every path, its operations, parameters, request body and answers, and every schema with every field
described (nested objects, arrays of objects and alternatives followed to their own schema)."""

from __future__ import annotations

import re
from typing import Any

from flask import Blueprint, render_template
from flask.typing import ResponseReturnValue
from markupsafe import Markup, escape

bp = Blueprint("apidocs", __name__)

METHODS = ("get", "post", "put", "patch", "delete")
_CODE = re.compile(r"`([^`]+)`")


def prose(text: str | None) -> Markup:
    """Descriptions are plain text with `code` spans (Markdown's only feature they use)."""
    return Markup(_CODE.sub(lambda m: f"<code>{m.group(1)}</code>", str(escape(text or ""))))


def type_of(schema: dict[str, Any] | None) -> Markup:
    """A short description of a schema: a link to its component, its type, its enum values, nullable."""
    if not schema:
        return Markup("any")
    if "$ref" in schema:
        name = str(schema["$ref"]).rsplit("/", 1)[-1]
        return Markup(f'<a href="#schema-{escape(name)}">{escape(name)}</a>')
    if "allOf" in schema and len(schema["allOf"]) == 1:  # one schema, with a description of its own beside it
        return type_of(schema["allOf"][0])
    for key in ("anyOf", "oneOf"):
        if key in schema:
            parts = [type_of(s) for s in schema[key] if s.get("type") != "null"]
            nullable = any(s.get("type") == "null" for s in schema[key])
            return Markup(" | ").join(parts) + (Markup(" or null") if nullable else Markup(""))
    kind = schema.get("type", "object")
    if kind == "array":
        return Markup("array of ") + type_of(schema.get("items"))
    if kind == "object" and isinstance(schema.get("additionalProperties"), dict):
        return Markup("object of ") + type_of(schema["additionalProperties"])
    text = str(kind) + (f" ({schema['format']})" if "format" in schema else "")
    if "enum" in schema:
        text += ": " + " | ".join(str(v) for v in schema["enum"])
    return Markup(escape(text))


def operations(document: dict[str, Any]) -> list[dict[str, Any]]:
    found = []
    for path, item in document.get("paths", {}).items():
        for method in METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            body = (operation.get("requestBody") or {}).get("content", {})
            found.append({
                "method": method.upper(), "path": path, "summary": operation.get("summary", ""),
                "description": prose(operation.get("description")),
                "parameters": [{**p, "type": type_of(p.get("schema")), "text": prose(p.get("description"))}
                               for p in operation.get("parameters", [])],
                "body": [{"media": media, "type": type_of(content.get("schema")),
                          "alternatives": _alternatives(content.get("schema"))} for media, content in body.items()],
                "responses": [{"status": status, "description": prose(answer.get("description")),
                               "types": [(media, type_of(c.get("schema"))) for media, c in answer.get("content", {}).items()]}
                              for status, answer in sorted(operation.get("responses", {}).items())],
            })
    return found


def _alternatives(schema: dict[str, Any] | None) -> list[dict[str, Any]]:
    """Inline alternatives (a command's body per operation) described field by field."""
    if not schema or "oneOf" not in schema:
        return []
    return [_fields(option.get("title", ""), option) for option in schema["oneOf"] if "properties" in option]


def _fields(name: str, schema: dict[str, Any]) -> dict[str, Any]:
    required = set(schema.get("required", []))
    return {
        "name": name, "description": prose(schema.get("description")),
        "properties": [{"name": prop, "type": type_of(spec), "required": prop in required,
                        "description": prose(spec.get("description"))}
                       for prop, spec in schema.get("properties", {}).items()],
    }


def schemas(document: dict[str, Any]) -> list[dict[str, Any]]:
    return [_fields(name, schema) for name, schema in sorted(document.get("components", {}).get("schemas", {}).items())]


@bp.get("/api-docs")
def index() -> ResponseReturnValue:
    from webapp.api.openapi import document

    doc = document()
    return render_template("ui/apidocs.html", info=doc.get("info", {}), description=prose(doc["info"].get("description")),
                           operations=operations(doc), schemas=schemas(doc))

"""JSON Schemas of the operations sent to stations, generated from their specs: what the API takes as a command's
body and gives back as its answer, under OCPP names, with each field's description from the spec."""

from __future__ import annotations

import enum
import types
import typing
from datetime import datetime
from decimal import Decimal
from typing import Any

from .shapes import INT_MAX, INT_MIN, Field, has_shape, is_required, shape_of
from .specs import OperationSpec


def request_schema(spec: OperationSpec) -> dict[str, Any]:
    """The body an operator sends for ``spec`` (without the fields the gateway assigns)."""
    schema = _object(spec.request_type, spec.input_fields())
    schema.update(title=f"{spec.operation} fields", description=f"{spec.summary}; fields under their OCPP names")
    return schema


def answer_schema(spec: OperationSpec) -> dict[str, Any]:
    """The station's answer to ``spec`` under OCPP names."""
    schema = _object(spec.answer.type, spec.answer.fields)
    schema.update(title=f"{spec.operation} answer", description=f"What the station answered to {spec.operation}")
    return schema


def _object(cls: type[Any], fields: tuple[Field, ...]) -> dict[str, Any]:
    hints = typing.get_type_hints(cls)
    properties: dict[str, Any] = {}
    required: list[str] = []
    for f in fields:
        if f.group:
            members = {m.wire: _described(_schema(hints[m.attribute]), m.doc) for m in f.group}
            group: dict[str, Any] = {"type": "object", "additionalProperties": False, "properties": members}
            needed = [m.wire for m in f.group if m.required]
            if needed:
                group["required"] = needed
            properties[f.wire] = _described(group, f.doc)
            continue
        properties[f.wire] = _described(_schema(hints[f.attribute]), f.doc)
        if is_required(cls, f.attribute):
            required.append(f.wire)
    schema: dict[str, Any] = {"type": "object", "additionalProperties": False, "properties": properties}
    if required:
        schema["required"] = required
    return schema


def _described(schema: dict[str, Any], doc: str) -> dict[str, Any]:
    return {**schema, "description": doc} if doc else schema


def _schema(hint: Any) -> dict[str, Any]:
    options = typing.get_args(hint) if typing.get_origin(hint) in (typing.Union, types.UnionType) else ()
    if options:
        hint = next(option for option in options if option is not type(None))
    if hint is bool:
        return {"type": "boolean"}
    if hint is int:
        return {"type": "integer", "minimum": INT_MIN, "maximum": INT_MAX}
    if hint is str:
        return {"type": "string", "minLength": 1}
    if hint is datetime:
        return {"type": "string", "format": "date-time"}
    if hint is Decimal:
        return {"type": "number"}
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return {"type": "string", "enum": [member.value for member in hint]}
    if typing.get_origin(hint) is tuple:
        return {"type": "array", "items": _schema(typing.get_args(hint)[0])}
    if has_shape(hint):
        return _object(hint, shape_of(hint).fields)
    raise TypeError(f"no JSON Schema for {hint!r}")

"""Operator operations toward stations as the web app needs them: each operation's fields (OCPP name, input
kind, required, choices), which operations a protocol version has, and turning posted values into the domain
command. This is the one boundary between the web app and the operation descriptions of ``ocpp_soap``
(``operator_input`` today): the forms per operation, the bulk form and the OpenAPI description of command bodies
all read :func:`operation_specs`; when the typed spec per operation lands, re-point :func:`operation_specs`,
:func:`to_command` and :func:`operations_for` at it and nothing else changes.
"""

from __future__ import annotations

import enum
import json
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, tzinfo
from functools import cache
from typing import Any

from . import core
from .timezones import BadTime, parse_time


@dataclass(frozen=True)
class FieldSpec:
    name: str  # the OCPP name, as forms post it and the API takes it
    kind: str  # number, text, datetime, choice, lines, json
    required: bool
    choices: tuple[str, ...] = ()
    hint: str = ""


@dataclass(frozen=True)
class OperationSpec:
    name: str
    fields: tuple[FieldSpec, ...]


def _kind(annotation: Any) -> tuple[str, tuple[str, ...], str]:
    options = typing.get_args(annotation) if isinstance(annotation, types.UnionType) else ()
    if options:  # ``int | None``: the optional part is what `required` already says
        annotation = next(option for option in options if option is not type(None))
    if annotation is int:
        return "number", (), ""
    if annotation is datetime:
        return "datetime", (), "ISO 8601, e.g. 2030-01-31T12:00 (your time zone unless you add one)"
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return "choice", tuple(str(member.value) for member in annotation), ""
    if typing.get_origin(annotation) is tuple:
        (item, _) = typing.get_args(annotation)
        if item is core.LocalListEntry:
            return "json", (), 'JSON: [{"idTag": "A1", "idTagInfo": {"status": "Accepted"}}]'
        return "lines", (), "one per line; none for all"
    return "text", (), ""


@cache
def operation_specs() -> dict[str, OperationSpec]:
    """Every operator operation toward stations, by OCPP name (re-point at the operation spec)."""
    specs = {}
    for name in sorted(core.OPERATIONS):
        hints = typing.get_type_hints(core.OPERATIONS[name])
        fields = []
        for field in core.operation_fields(name):
            kind, choices, hint = _kind(hints[field.attribute])
            fields.append(FieldSpec(field.wire, kind, field.required, choices, hint))
        specs[name] = OperationSpec(name, tuple(fields))
    return specs


def operations_for(protocol: core.Protocol | str | None) -> tuple[str, ...]:
    """The operations a station of this protocol version can be sent (re-point at the version registry)."""
    return core.protocol_operations(protocol)


def to_command(charge_box_id: str, operation: str, values: Mapping[str, Any]) -> core.StationRequest:
    """The domain command from fields under their OCPP names (re-point at the operation spec's parser)."""
    return core.parse_station_request(charge_box_id, operation, values)


def from_form(charge_box_id: str, operation: str, form: Mapping[str, str], zone: tzinfo) -> core.StationRequest:
    """The domain command from a posted form: empty inputs left out, lists split, JSON read, and times without a
    zone taken in the operator's zone."""
    spec = operation_specs().get(operation)
    if spec is None:
        raise core.InvalidCommand("operation", f"unknown operation {operation!r}")
    values: dict[str, Any] = {}
    for field in spec.fields:
        raw = (form.get(field.name) or "").strip()
        if not raw:
            continue
        if field.kind == "lines":
            values[field.name] = [line.strip() for line in raw.splitlines() if line.strip()]
        elif field.kind == "json":
            try:
                values[field.name] = json.loads(raw)
            except json.JSONDecodeError as exc:
                raise core.InvalidCommand(field.name, f"expected JSON ({exc.msg})") from None
        elif field.kind == "datetime":
            try:
                values[field.name] = parse_time(raw, zone).isoformat()
            except BadTime as exc:
                raise core.InvalidCommand(field.name, str(exc)) from None
        else:
            values[field.name] = raw
    return to_command(charge_box_id, operation, values)


_JSON_TYPES = {"number": {"type": "integer"}, "text": {"type": "string"},
               "datetime": {"type": "string", "format": "date-time"}}


def body_schema(spec: OperationSpec) -> dict[str, Any]:
    """The JSON schema of an operation's API body, from its field specs."""
    properties: dict[str, Any] = {}
    for field in spec.fields:
        if field.kind == "choice":
            schema: dict[str, Any] = {"type": "string", "enum": list(field.choices)}
        elif field.kind == "lines":
            schema = {"type": "array", "items": {"type": "string"}}
        elif field.kind == "json":
            schema = {"type": "array", "items": {"type": "object", "required": ["idTag"], "properties": {
                "idTag": {"type": "string", "description": "The id tag"},
                "idTagInfo": {"type": "object", "description": "Its status, expiryDate and parentIdTag; left out to remove the tag"},
            }}}
        else:
            schema = dict(_JSON_TYPES.get(field.kind, {"type": "string"}))
        schema["description"] = f"{spec.name}'s {field.name}" + (f" ({field.hint})" if field.hint else "") + \
            ("" if field.required else "; optional")
        properties[field.name] = schema
    required = [field.name for field in spec.fields if field.required]
    return {"type": "object", "title": f"{spec.name} fields", "additionalProperties": False,
            "properties": properties, **({"required": required} if required else {}),
            "description": f"The fields of {spec.name} under their OCPP names"}

"""Forms for the operations sent to stations, made from the operation specs the API and the command line use
(``ocpp_soap.operations``): each field's OCPP name, what it means and whether it is required from there, its input
kind from the type of the request's attribute. The form's values go back through ``parse_request``.
"""

from __future__ import annotations

import enum
import json
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from ocpp_soap.domain.errors import InvalidInput
from ocpp_soap.domain.model import LocalListEntry, Protocol
from ocpp_soap.domain.station_requests import StationRequest
from ocpp_soap.operations import SPECS, parse_request
from ocpp_soap.operations.shapes import has_shape, is_required


@dataclass(frozen=True)
class FormField:
    name: str  # the OCPP name, as the form posts it
    kind: str  # number, text, datetime, choice, lines, json
    required: bool
    choices: tuple[str, ...] = ()
    hint: str = ""


@dataclass(frozen=True)
class CommandForm:
    operation: str
    fields: tuple[FormField, ...]


def _kind(annotation: Any) -> tuple[str, tuple[str, ...], str]:
    options = typing.get_args(annotation) if isinstance(annotation, types.UnionType) else ()
    if options:  # ``int | None``: the optional part is what `required` already says
        annotation = next(option for option in options if option is not type(None))
    if annotation is int:
        return "number", (), ""
    if annotation is datetime:
        return "datetime", (), "UTC"
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return "choice", tuple(str(member.value) for member in annotation), ""
    if typing.get_origin(annotation) is tuple:
        (item, _) = typing.get_args(annotation)
        if item is LocalListEntry:
            return "json", (), 'JSON: [{"idTag": "A1", "idTagInfo": {"status": "Accepted"}}]'
        return "lines", (), "one per line; none for all"
    if has_shape(annotation):  # an OCPP object (a charging profile): its fields as JSON
        return "json", (), ""
    return "text", (), ""


@cache
def command_form(operation: str) -> CommandForm:
    spec = SPECS[operation]
    hints = typing.get_type_hints(spec.request_type)
    fields = []
    for field in spec.input_fields():
        kind, choices, hint = _kind(hints[field.attribute])
        fields.append(
            FormField(field.wire, kind, is_required(spec.request_type, field.attribute), choices, hint or field.doc)
        )
    return CommandForm(operation, tuple(fields))


@cache
def supported_operations(protocol: Protocol | str | None) -> tuple[str, ...]:
    """The operations that can be sent to a station of this protocol version (from the version registry)."""
    if protocol is None:
        return ()
    try:
        operations = Protocol(str(protocol)).operator_operations
    except ValueError:
        return ()
    return tuple(operation for operation in sorted(SPECS) if operation in operations)


def parse_form(charge_box_id: str, operation: str, form: Mapping[str, str]) -> StationRequest[Any]:
    """The domain command from a posted form: empty inputs are left out, lists split, JSON read, and times
    without a zone taken as UTC (what a ``datetime-local`` input sends)."""
    if operation not in SPECS:
        raise InvalidInput("operation", f"unknown operation {operation!r}")
    values: dict[str, Any] = {}
    for field in command_form(operation).fields:
        raw = (form.get(field.name) or "").strip()
        if not raw:
            continue
        if field.kind == "lines":
            values[field.name] = [line.strip() for line in raw.splitlines() if line.strip()]
        elif field.kind == "json":
            try:
                values[field.name] = json.loads(raw)
            except json.JSONDecodeError as exc:
                raise InvalidInput(field.name, f"expected JSON ({exc.msg})") from None
        elif field.kind == "datetime" and len(raw) <= 19 and "T" in raw:
            values[field.name] = raw + "Z"
        else:
            values[field.name] = raw
    return parse_request(charge_box_id, operation, values)

"""Forms for the operations toward stations, made from the same description the API and the command line use
(``ocpp_soap.operator_input``): each field's OCPP name and whether it is required from there, its input kind
from the type of the domain command's attribute. The form's values go back through ``parse_station_request``.
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

from ocpp_soap.domain.errors import InvalidCommand
from ocpp_soap.domain.model import Protocol
from ocpp_soap.domain.station_requests import LocalListEntry, StationRequest
from ocpp_soap.operator_input import OPERATIONS, operation_fields, parse_station_request


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
    return "text", (), ""


@cache
def command_form(operation: str) -> CommandForm:
    hints = typing.get_type_hints(OPERATIONS[operation])
    fields = []
    for field in operation_fields(operation):
        kind, choices, hint = _kind(hints[field.attribute])
        fields.append(FormField(field.wire, kind, field.required, choices, hint))
    return CommandForm(operation, tuple(fields))


@cache
def supported_operations(protocol: Protocol | str | None) -> tuple[str, ...]:
    """The charge-point operations of the station's protocol version, as its charge-point service declares them."""
    if protocol is None:
        return ()
    from ocpp_soap.soap.charge_point_wsdl import charge_point_addon
    from ocpp_soap.soap.registry import ADDONS

    version = next((addon.version for addon in ADDONS if addon.protocol.value == str(protocol)), None)
    if version is None:
        return ()
    declared = charge_point_addon(version).service.public_methods
    return tuple(operation for operation in sorted(OPERATIONS) if operation in declared)


def parse_form(charge_box_id: str, operation: str, form: Mapping[str, str]) -> StationRequest:
    """The domain command from a posted form: empty inputs are left out, lists split, JSON read, and times
    without a zone taken as UTC (what a ``datetime-local`` input sends)."""
    if operation not in OPERATIONS:
        raise InvalidCommand("operation", f"unknown operation {operation!r}")
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
                raise InvalidCommand(field.name, f"expected JSON ({exc.msg})") from None
        elif field.kind == "datetime" and len(raw) <= 19 and "T" in raw:
            values[field.name] = raw + "Z"
        else:
            values[field.name] = raw
    return parse_station_request(charge_box_id, operation, values)

"""Operations sent to stations as the web app needs them: each operation's form (fields with their OCPP name,
input kind, whether required, choices, what they mean), which operations a protocol version has, posted values
turned into the request, and the JSON Schema of a command's body. Everything here is read from the operation
specs and the version registry of ``ocpp_soap`` (through ``core``): this module only decides how a field is
typed into a form.
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
class FormField:
    name: str  # the OCPP name, as forms post it and the API takes it
    kind: str  # number, text, datetime, choice, lines, json
    required: bool
    choices: tuple[str, ...] = ()
    hint: str = ""
    example: str = ""  # json: what to type, shown in the empty box
    members: tuple[tuple[str, bool, str], ...] = ()  # json: every field inside (path, required, meaning)


_PROFILE = {"chargingProfileId": 1, "stackLevel": 0, "chargingProfilePurpose": "TxDefaultProfile",
            "chargingProfileKind": "Relative",
            "chargingSchedule": {"chargingRateUnit": "A", "chargingSchedulePeriod": [{"startPeriod": 0, "limit": 16},
                                                                                    {"startPeriod": 3600, "limit": 10}]}}
EXAMPLES: dict[tuple[str, str], Any] = {
    ("SetChargingProfile", "csChargingProfiles"): _PROFILE,
    ("RemoteStartTransaction", "chargingProfile"): {**_PROFILE, "chargingProfilePurpose": "TxProfile"},
    ("SendLocalList", "localAuthorisationList"): [{"idTag": "A1", "idTagInfo": {"status": "Accepted"}}],
}
"""What to type into a JSON field, valid as it stands: a default for new sessions of 16 A, 10 A after an hour
(RemoteStart's: the session's own TxProfile)."""


@dataclass(frozen=True)
class OperationForm:
    name: str
    summary: str
    fields: tuple[FormField, ...]


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
        if core.has_shape(item):
            return "json", (), "type a JSON list like the example (in the box, and under it with every field)"
        return "lines", (), "one per line; none for all"
    if core.has_shape(annotation):
        return "json", (), "type a JSON object like the example (in the box, and under it with every field)"
    return "text", (), ""


def _members(schema: dict[str, Any], prefix: str = "") -> list[tuple[str, bool, str]]:
    """Every field inside a JSON field's schema, as ``chargingSchedule.chargingSchedulePeriod[].limit``."""
    if schema.get("type") == "array":
        return _members(schema.get("items", {}), prefix + "[]")
    found: list[tuple[str, bool, str]] = []
    required = set(schema.get("required", ()))
    for name, member in schema.get("properties", {}).items():
        path = f"{prefix}.{name}" if prefix else name
        found.append((path, name in required, str(member.get("description", ""))))
        found.extend(_members(member, path))
    return found


@cache
def operation_forms() -> dict[str, OperationForm]:
    """The form of every operation sent to stations, by OCPP name, from its spec."""
    forms = {}
    for name, spec in sorted(core.SPECS.items()):
        hints = typing.get_type_hints(spec.request_type)
        fields = []
        for field in spec.input_fields():
            kind, choices, hint = _kind(hints[field.attribute])
            required = core.is_required(spec.request_type, field.attribute)
            example = ""
            members: tuple[tuple[str, bool, str], ...] = ()
            if kind == "json":
                example = json.dumps(EXAMPLES[name, field.wire]) if (name, field.wire) in EXAMPLES else ""
                members = tuple(_members(core.request_schema(spec)["properties"][field.wire]))
                if not example:
                    hint = hint.replace(" like the example (in the box, and under it with every field)",
                                        " (every field listed under the box)")
            fields.append(FormField(field.wire, kind, required, choices, "; ".join(filter(None, (field.doc, hint))),
                                    example, members))
        forms[name] = OperationForm(name, spec.summary, tuple(fields))
    return forms


def operations_for(protocol: core.Protocol | str | None) -> tuple[str, ...]:
    """The operations a station of this protocol version can be sent (the version registry)."""
    return core.protocol_operations(protocol)


def to_command(charge_box_id: str, operation: str, values: Mapping[str, Any]) -> core.StationRequest[Any]:
    """The request from fields under their OCPP names (the operation spec reads them)."""
    return core.parse_request(charge_box_id, operation, values)


def from_form(charge_box_id: str, operation: str, form: Mapping[str, str], zone: tzinfo) -> core.StationRequest[Any]:
    """The domain command from a posted form: empty inputs left out, lists split, JSON read, and times without a
    zone taken in the operator's zone."""
    spec = operation_forms().get(operation)
    if spec is None:
        raise core.InvalidInput("operation", f"unknown operation {operation!r}")
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
                raise core.InvalidInput(field.name, f"expected JSON ({exc.msg})") from None
        elif field.kind == "datetime":
            try:
                values[field.name] = parse_time(raw, zone).isoformat()
            except BadTime as exc:
                raise core.InvalidInput(field.name, str(exc)) from None
        else:
            values[field.name] = raw
    return to_command(charge_box_id, operation, values)


def body_schema(name: str) -> dict[str, Any]:
    """The JSON Schema of an operation's API body, generated from its spec."""
    return core.request_schema(core.SPECS[name])

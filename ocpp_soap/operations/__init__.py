"""Operations sent to stations, described once (:mod:`.specs`) and read and written through their shapes
(:mod:`.shapes`): what the API, the command line, the web forms and the SOAP edge use.

Operator input names fields as OCPP does (``{"connectorId": 1, "idTag": "ABC"}``); every mistake raises
:class:`~ocpp_soap.domain.errors.InvalidInput` naming the field by its OCPP path.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Mapping
from typing import Any

from ..domain import station_requests as sr
from ..domain.errors import InvalidInput
from .shapes import Field, Shape, field_type, read, shape_of, to_wire
from .specs import SPECS, OperationSpec

__all__ = [
    "SPECS", "Field", "OperationSpec", "Shape", "parse_request", "shape_of", "spec_for", "to_wire", "wire_name",
]


def spec_for(operation: str) -> OperationSpec:
    """The spec of an operation; InvalidInput naming ``operation`` when there is none."""
    spec = SPECS.get(operation)
    if spec is None:
        raise InvalidInput("operation", f"unknown operation {operation!r}; known: {', '.join(sorted(SPECS))}")
    return spec


def parse_request(charge_box_id: str, operation: str, fields: Mapping[str, Any]) -> sr.StationRequest[Any]:
    """The request an operator asks for, from its fields under their OCPP names."""
    spec = spec_for(operation)
    return read(spec.request_type, fields, strict=True, charge_box_id=charge_box_id)


def wire_name(request_type: type[Any], attribute: str) -> str | None:
    """The OCPP path of a request's attribute (for errors the domain raises naming the attribute), also of one
    inside a nested value: ``profile.schedule.periods[1].limit`` is
    ``csChargingProfiles.chargingSchedule.chargingSchedulePeriod[1].limit``."""
    names: list[str] = []
    owner: Any = request_type
    for part in attribute.split("."):
        name, bracket, index = part.partition("[")
        try:
            named = shape_of(owner).wire_name(name)
        except TypeError:
            return None
        if named is None:
            return None
        names.append(named + bracket + index)
        owner = _value_type(field_type(owner, name))
    return ".".join(names)


def _value_type(hint: Any) -> Any:
    """The dataclass a field holds: ``X | None`` and ``tuple[X, ...]`` are X."""
    for _ in range(2):
        options = [a for a in typing.get_args(hint) if a is not type(None) and a is not Ellipsis]
        if typing.get_origin(hint) in (typing.Union, types.UnionType, tuple) and options:
            hint = options[0]
    return hint

"""Operations sent to stations, described once (:mod:`.specs`) and read and written through their shapes
(:mod:`.shapes`): what the API, the command line, the web forms and the SOAP edge use.

Operator input names fields as OCPP does (``{"connectorId": 1, "idTag": "ABC"}``); every mistake raises
:class:`~ocpp_soap.domain.errors.InvalidInput` naming the field by its OCPP path.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..domain import station_requests as sr
from ..domain.errors import InvalidInput
from .shapes import Field, Shape, read, shape_of, to_wire
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
    """The OCPP path of a request's attribute (for errors the domain raises naming the attribute)."""
    try:
        return shape_of(request_type).wire_name(attribute)
    except TypeError:
        return None

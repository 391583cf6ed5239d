"""Wire shapes: which OCPP name each attribute of a value goes by, and the conversions both ways.

A :class:`Shape` lists the fields of a dataclass under their OCPP names (``connectorId`` for ``connector_id``);
the Python types come from the dataclass itself, so a shape never repeats them. :func:`read` makes the value from
a mapping under OCPP names (operator input from the API, the command line or a form; a station's answer as the
SOAP edge received it) and :func:`to_wire` turns a value back into such a mapping.

Input is read strictly (an unknown field is an error naming it); answers tolerantly (unknown fields are ignored:
stations add vendor extensions). Every error names the field by its OCPP path
(``localAuthorisationList[0].idTagInfo.status``).
"""

from __future__ import annotations

import dataclasses
import enum
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

from ..domain.errors import InvalidInput
from ..timestamps import InvalidTimestamp, parse_timestamp

T = TypeVar("T")
INT_MIN, INT_MAX = -(2**31), 2**31 - 1  # OCPP's integers are xs:int
NOT_IN_THE_MESSAGE = frozenset({"charge_box_id", "requested_by"})
"""Attributes of a request that say where it goes and who asked, not what the OCPP message carries."""


@dataclass(frozen=True)
class Field:
    """One field: its OCPP name, the attribute it is in Python, and what an operator should know about it.

    A field with ``group`` is an OCPP object whose members are attributes of this same value (a local list entry's
    ``idTagInfo`` holds its ``status``, ``expiryDate`` and ``parentIdTag``; ``required`` marks a member the group
    cannot be without). An ``assigned`` field is filled in by
    the gateway and never taken from operator input (ReserveNow's ``reservationId``)."""

    wire: str
    attribute: str = ""
    doc: str = ""
    group: tuple[Field, ...] = ()
    assigned: bool = False
    required: bool = False  # for a member of a group: required whenever the group is given

    def members(self) -> tuple[Field, ...]:
        """The attribute-bearing fields: this one, or the members of its group."""
        return self.group or (self,)


@dataclass(frozen=True)
class Shape:
    type: type[Any]
    fields: tuple[Field, ...]

    def __post_init__(self) -> None:
        attributes = [member.attribute for f in self.fields for member in f.members()]
        declared = [f.name for f in dataclasses.fields(self.type) if f.init and f.name not in NOT_IN_THE_MESSAGE]
        if sorted(attributes) != sorted(declared):
            raise TypeError(f"the shape of {self.type.__name__} lists {attributes}, the type has {declared}")

    def wire_name(self, attribute: str) -> str | None:
        """The OCPP path of an attribute (``idTagInfo.status`` for a grouped one), None when it has none."""
        for f in self.fields:
            for member in f.members():
                if member.attribute == attribute:
                    return f"{f.wire}.{member.wire}" if f.group else f.wire
        return None


_SHAPES: dict[type[Any], Shape] = {}


def register(*shapes: Shape) -> None:
    for shape in shapes:
        _SHAPES[shape.type] = shape


def shape_of(cls: type[Any]) -> Shape:
    try:
        return _SHAPES[cls]
    except KeyError:
        raise TypeError(f"no wire shape for {cls.__name__}") from None


def has_shape(cls: object) -> bool:
    return isinstance(cls, type) and cls in _SHAPES


_HINTS: dict[type[Any], dict[str, Any]] = {}


def _hints(cls: type[Any]) -> dict[str, Any]:
    hints = _HINTS.get(cls)
    if hints is None:
        hints = _HINTS[cls] = typing.get_type_hints(cls)
    return hints


def field_type(cls: type[Any], attribute: str) -> Any:
    return _hints(cls)[attribute]


def is_required(cls: type[Any], attribute: str) -> bool:
    found = next(f for f in dataclasses.fields(cls) if f.name == attribute)
    return found.default is dataclasses.MISSING and found.default_factory is dataclasses.MISSING


# -- reading ------------------------------------------------------------------------------------------------------


def read(cls: type[T], data: Any, path: str = "", *, strict: bool, **given: Any) -> T:
    """A ``cls`` from a mapping under OCPP names; ``given`` supplies attributes that do not come from the mapping
    (``charge_box_id``). Strict reading refuses unknown and gateway-assigned fields."""
    shape = shape_of(cls)
    if not isinstance(data, Mapping):
        raise InvalidInput(path or "body", "expected an object")
    known = {f.wire for f in shape.fields}
    if strict:
        unknown = sorted(set(data) - known)
        if unknown:
            allowed = ", ".join(f.wire for f in shape.fields if not f.assigned) or "none"
            raise InvalidInput(_join(path, unknown[0]), f"unknown field {unknown[0]!r} (its fields: {allowed})")
    values: dict[str, Any] = dict(given)
    context = getattr(cls, "operation", None) or path or cls.__name__  # who requires a missing field
    for f in shape.fields:
        where = _join(path, f.wire)
        raw = data.get(f.wire)
        if strict and f.assigned:
            if raw is not None:
                raise InvalidInput(where, "is assigned by the gateway and cannot be given")
            continue
        if f.group:
            if raw is None:
                continue
            if not isinstance(raw, Mapping):
                raise InvalidInput(where, f"expected an object with {', '.join(m.wire for m in f.group)}")
            for member in f.group:
                _put(values, cls, member, raw.get(member.wire), _join(where, member.wire), where, strict)
            continue
        _put(values, cls, f, raw, where, context, strict)
    return cls(**values)


def _put(values: dict[str, Any], cls: type[Any], f: Field, raw: Any, where: str, context: str, strict: bool) -> None:
    required = f.required or is_required(cls, f.attribute)
    if raw is None or (raw == [] and not required):
        if required:
            raise InvalidInput(where, f"{context} requires {f.wire}")
        return
    values[f.attribute] = convert(field_type(cls, f.attribute), raw, where, strict=strict)


def convert(hint: Any, raw: Any, where: str, *, strict: bool) -> Any:
    """One value of type ``hint`` from what came in (JSON, text from a form or the command line, or zeep's values)."""
    options = typing.get_args(hint) if typing.get_origin(hint) in (typing.Union, types.UnionType) else ()
    if options:
        hint = next(option for option in options if option is not type(None))
    if hint is bool:
        return _bool(raw, where)
    if hint is int:
        return _int(raw, where)
    if hint is str:
        return _text(raw, where)
    if hint is datetime:
        return _datetime(raw, where)
    if hint is Decimal:
        return _decimal(raw, where)
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return _enum(hint, raw, where)
    if typing.get_origin(hint) is tuple:
        item = typing.get_args(hint)[0]
        items = raw if isinstance(raw, list | tuple) else [raw]
        return tuple(convert(item, value, f"{where}[{index}]", strict=strict) for index, value in enumerate(items))
    if has_shape(hint):
        return read(hint, raw, where, strict=strict)
    raise TypeError(f"{where}: no conversion to {hint!r}")


def _int(raw: Any, where: str) -> int:
    if isinstance(raw, bool):
        raise InvalidInput(where, f"expected a whole number, got {raw!r}")
    try:
        number = int(raw)
    except (TypeError, ValueError):
        raise InvalidInput(where, f"expected a whole number, got {raw!r}") from None
    if isinstance(raw, float | Decimal) and raw != number:
        raise InvalidInput(where, f"expected a whole number, got {raw!r}")
    if not INT_MIN <= number <= INT_MAX:
        raise InvalidInput(where, "out of range for a 32-bit integer")
    return number


def _text(raw: Any, where: str) -> str:
    if not isinstance(raw, str | int) or isinstance(raw, bool) or str(raw) == "":
        raise InvalidInput(where, f"expected a non-empty text, got {raw!r}")
    return str(raw)


def _bool(raw: Any, where: str) -> bool:
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, str) and raw.strip().lower() in ("true", "1", "false", "0"):
        return raw.strip().lower() in ("true", "1")
    raise InvalidInput(where, f"expected true or false, got {raw!r}")


def _datetime(raw: Any, where: str) -> datetime:
    if isinstance(raw, datetime):
        return raw.replace(tzinfo=UTC) if raw.tzinfo is None else raw.astimezone(UTC)
    try:
        return parse_timestamp(raw if isinstance(raw, str) else None)
    except InvalidTimestamp as exc:
        raise InvalidInput(where, f"expected an ISO 8601 date and time ({exc})") from None


def _decimal(raw: Any, where: str) -> Decimal:
    if isinstance(raw, bool):
        raise InvalidInput(where, f"expected a number, got {raw!r}")
    try:
        number = Decimal(str(raw))
    except (InvalidOperation, ValueError):
        raise InvalidInput(where, f"expected a number, got {raw!r}") from None
    if not number.is_finite():
        raise InvalidInput(where, f"expected a finite number, got {raw!r}")
    return number


def _enum(enum_type: type[enum.Enum], raw: Any, where: str) -> Any:
    for member in enum_type:
        if member.value == raw:
            return member
    allowed = ", ".join(str(m.value) for m in enum_type)
    raise InvalidInput(where, f"expected one of {allowed}, got {raw!r}")


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


# -- writing ------------------------------------------------------------------------------------------------------


def to_wire(value: Any) -> Any:
    """A value under OCPP names: dataclasses with a shape become mappings (None and empty lists left out), enums
    their values, tuples lists; everything else (numbers, texts, datetimes) stays as it is."""
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, tuple | list):
        return [to_wire(item) for item in value]
    if has_shape(type(value)):
        result: dict[str, Any] = {}
        for f in shape_of(type(value)).fields:
            if f.group:
                group = {m.wire: to_wire(getattr(value, m.attribute)) for m in f.group}
                group = {k: v for k, v in group.items() if v is not None}
                if group:
                    result[f.wire] = group
                continue
            item = to_wire(getattr(value, f.attribute))
            if item is not None and item != []:
                result[f.wire] = item
        return result
    return value

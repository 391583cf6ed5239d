"""Operator input for commands toward stations, as the command line and the REST API take it: the operation's
fields under their OCPP names (``{"connectorId": 1, "idTag": "ABC"}``), turned into a domain command.

Every mistake raises :class:`InvalidCommand` naming the field, so both front ends can say exactly what is wrong.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from typing import Any

from .domain import station_requests as sr
from .domain.errors import InvalidCommand
from .domain.model import AuthorizationStatus
from .soap.timestamps import InvalidTimestamp, parse_timestamp

Converter = Callable[[str, Any], Any]


def _int(name: str, value: Any) -> int:
    if isinstance(value, bool):
        raise InvalidCommand(name, f"expected a whole number, got {value!r}")
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise InvalidCommand(name, f"expected a whole number, got {value!r}") from None
    if isinstance(value, float) and value != number:
        raise InvalidCommand(name, f"expected a whole number, got {value!r}")
    if not -(2**31) <= number < 2**31:
        raise InvalidCommand(name, "out of range for a 32-bit integer")
    return number


def _text(name: str, value: Any) -> str:
    if not isinstance(value, str | int) or isinstance(value, bool) or str(value) == "":
        raise InvalidCommand(name, f"expected a non-empty text, got {value!r}")
    return str(value)


def _time(name: str, value: Any) -> datetime:
    if isinstance(value, datetime):
        return value
    try:
        return parse_timestamp(value if isinstance(value, str) else None)
    except InvalidTimestamp as exc:
        raise InvalidCommand(name, f"expected an ISO 8601 date and time ({exc})") from None


def _enum(enum: type[Enum]) -> Converter:
    def convert(name: str, value: Any) -> Any:
        for member in enum:
            if member.value == value:
                return member
        allowed = ", ".join(str(m.value) for m in enum)
        raise InvalidCommand(name, f"expected one of {allowed}, got {value!r}")

    return convert


def _texts(name: str, value: Any) -> tuple[str, ...]:
    items = value if isinstance(value, list | tuple) else [value]
    return tuple(_text(name, item) for item in items)


def _local_list(name: str, value: Any) -> tuple[sr.LocalListEntry, ...]:
    if not isinstance(value, list | tuple):
        raise InvalidCommand(name, "expected a list of {idTag, idTagInfo?} entries")
    entries = []
    for index, item in enumerate(value):
        where = f"{name}[{index}]"
        if not isinstance(item, Mapping) or "idTag" not in item:
            raise InvalidCommand(where, "expected an object with idTag and an optional idTagInfo")
        info = item.get("idTagInfo")
        if info is not None and not isinstance(info, Mapping):
            raise InvalidCommand(f"{where}.idTagInfo", "expected an object with status, expiryDate?, parentIdTag?")
        entries.append(
            sr.LocalListEntry(
                id_tag=_text(f"{where}.idTag", item["idTag"]),
                status=_enum(AuthorizationStatus)(f"{where}.idTagInfo.status", info.get("status")) if info else None,
                expiry_date=_time(f"{where}.idTagInfo.expiryDate", info["expiryDate"])
                if info and info.get("expiryDate") is not None
                else None,
                parent_id_tag=_text(f"{where}.idTagInfo.parentIdTag", info["parentIdTag"])
                if info and info.get("parentIdTag") is not None
                else None,
            )
        )
    return tuple(entries)


@dataclass(frozen=True)
class Field:
    wire: str
    attribute: str
    convert: Converter
    required: bool = True


_FIELDS: dict[type[sr.StationRequest], tuple[Field, ...]] = {
    sr.RequestRemoteStart: (Field("idTag", "id_tag", _text), Field("connectorId", "connector_id", _int, False)),
    sr.RequestRemoteStop: (Field("transactionId", "transaction_id", _int),),
    sr.RequestReset: (Field("type", "type", _enum(sr.ResetType)),),
    sr.RequestUnlockConnector: (Field("connectorId", "connector_id", _int),),
    sr.RequestChangeAvailability: (
        Field("connectorId", "connector_id", _int),
        Field("type", "type", _enum(sr.AvailabilityType)),
    ),
    sr.RequestChangeConfiguration: (Field("key", "key", _text), Field("value", "value", _text)),
    sr.RequestGetConfiguration: (Field("key", "keys", _texts, False),),
    sr.RequestClearCache: (),
    sr.RequestGetDiagnostics: (
        Field("location", "location", _text),
        Field("startTime", "start_time", _time, False),
        Field("stopTime", "stop_time", _time, False),
        Field("retries", "retries", _int, False),
        Field("retryInterval", "retry_interval", _int, False),
    ),
    sr.RequestUpdateFirmware: (
        Field("location", "location", _text),
        Field("retrieveDate", "retrieve_date", _time),
        Field("retries", "retries", _int, False),
        Field("retryInterval", "retry_interval", _int, False),
    ),
    sr.RequestSendLocalList: (
        Field("updateType", "update_type", _enum(sr.UpdateType)),
        Field("localAuthorisationList", "entries", _local_list, False),
        Field("listVersion", "list_version", _int, False),
        Field("hash", "hash", _text, False),
    ),
    sr.RequestGetLocalListVersion: (),
    sr.RequestReserveNow: (
        Field("connectorId", "connector_id", _int),
        Field("expiryDate", "expiry_date", _time),
        Field("idTag", "id_tag", _text),
        Field("parentIdTag", "parent_id_tag", _text, False),
    ),
    sr.RequestCancelReservation: (Field("reservationId", "reservation_id", _int),),
    sr.RequestDataTransfer: (
        Field("vendorId", "vendor_id", _text),
        Field("messageId", "message_id", _text, False),
        Field("data", "data", _text, False),
    ),
}
OPERATIONS: dict[str, type[sr.StationRequest]] = {cls.operation: cls for cls in _FIELDS}


def operation_fields(operation: str) -> tuple[Field, ...]:
    return _FIELDS[OPERATIONS[operation]]


def parse_station_request(charge_box_id: str, operation: str, fields: Mapping[str, Any]) -> sr.StationRequest:
    command_type = OPERATIONS.get(operation)
    if command_type is None:
        raise InvalidCommand("operation", f"unknown operation {operation!r}; known: {', '.join(sorted(OPERATIONS))}")
    declared = _FIELDS[command_type]
    unknown = sorted(set(fields) - {f.wire for f in declared})
    if unknown:
        allowed = ", ".join(f.wire for f in declared) or "none"
        raise InvalidCommand(unknown[0], f"{operation} has no field {unknown[0]!r} (its fields: {allowed})")
    values: dict[str, Any] = {}
    for spec in declared:
        raw = fields.get(spec.wire)
        if raw is None:
            if spec.required:
                raise InvalidCommand(spec.wire, f"{operation} requires {spec.wire}")
            continue
        values[spec.attribute] = spec.convert(spec.wire, raw)
    return command_type(charge_box_id, **values)

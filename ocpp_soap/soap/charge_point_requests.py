"""Operator commands as OCPP Charge Point requests. The field names and shapes of every operation 1.2 and 1.5
share are the same in both versions, so one translation serves both clients."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from ..domain import station_requests as sr


def _drop_none(fields: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in fields.items() if v is not None}


def _enum_value(value: Any) -> Any:
    return getattr(value, "value", value)


def _local_list_entry(entry: sr.LocalListEntry) -> dict[str, Any]:
    data: dict[str, Any] = {"idTag": entry.id_tag}
    if entry.status is not None:
        data["idTagInfo"] = _drop_none(
            {"status": entry.status.value, "expiryDate": entry.expiry_date, "parentIdTag": entry.parent_id_tag}
        )
    return data


_BUILDERS: dict[type[sr.StationRequest], Callable[[Any, Mapping[str, Any]], dict[str, Any]]] = {
    sr.RequestRemoteStart: lambda c, a: _drop_none({"idTag": c.id_tag, "connectorId": c.connector_id}),
    sr.RequestRemoteStop: lambda c, a: {"transactionId": c.transaction_id},
    sr.RequestReset: lambda c, a: {"type": _enum_value(c.type)},
    sr.RequestUnlockConnector: lambda c, a: {"connectorId": c.connector_id},
    sr.RequestChangeAvailability: lambda c, a: {"connectorId": c.connector_id, "type": _enum_value(c.type)},
    sr.RequestChangeConfiguration: lambda c, a: {"key": c.key, "value": c.value},
    sr.RequestGetConfiguration: lambda c, a: {"key": list(c.keys)} if c.keys else {},
    sr.RequestClearCache: lambda c, a: {},
    sr.RequestGetDiagnostics: lambda c, a: _drop_none(
        {"location": c.location, "startTime": c.start_time, "stopTime": c.stop_time, "retries": c.retries,
         "retryInterval": c.retry_interval}
    ),
    sr.RequestUpdateFirmware: lambda c, a: _drop_none(
        {"retrieveDate": c.retrieve_date, "location": c.location, "retries": c.retries,
         "retryInterval": c.retry_interval}
    ),
    sr.RequestSendLocalList: lambda c, a: _drop_none(
        {"updateType": _enum_value(c.update_type),
         "listVersion": c.list_version if c.list_version is not None else a["listVersion"],
         "localAuthorisationList": [_local_list_entry(e) for e in c.entries] or None, "hash": c.hash}
    ),
    sr.RequestGetLocalListVersion: lambda c, a: {},
    sr.RequestReserveNow: lambda c, a: _drop_none(
        {"connectorId": c.connector_id, "expiryDate": c.expiry_date, "idTag": c.id_tag,
         "parentIdTag": c.parent_id_tag, "reservationId": a["reservationId"]}
    ),
    sr.RequestCancelReservation: lambda c, a: {"reservationId": c.reservation_id},
    sr.RequestDataTransfer: lambda c, a: _drop_none({"vendorId": c.vendor_id, "messageId": c.message_id, "data": c.data}),
}


def build_call(command: sr.StationRequest, added: Mapping[str, Any]) -> sr.StationCall:
    return sr.StationCall(command.operation, _BUILDERS[type(command)](command, added))

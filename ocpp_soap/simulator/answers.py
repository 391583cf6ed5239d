"""What a simulated station answers: a charge-point request (a Spyne object) in, the station asked, the version's
response object out.

Wire names stay here; the station takes and gives plain values. The operations a version lacks are never routed
here (its charge-point service does not declare them), so the one table serves every version.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from types import ModuleType
from typing import Any

from ..domain import station_requests as sr
from ..domain.model import AuthorizationStatus, LocalListEntry, UpdateType
from .station import SimulatedStation

logger = logging.getLogger(__name__)

Answer = Callable[[SimulatedStation, ModuleType, Any], Any]


def _remote_start(station: SimulatedStation, t: ModuleType, req: Any) -> Any:
    return t.RemoteStartTransactionResponse(status=station.remote_start(req.idTag, req.connectorId).value)


def _remote_stop(station: SimulatedStation, t: ModuleType, req: Any) -> Any:
    return t.RemoteStopTransactionResponse(status=station.remote_stop(req.transactionId).value)


def _reset(station: SimulatedStation, t: ModuleType, req: Any) -> Any:
    return t.ResetResponse(status=station.reset(sr.ResetType(req.type)).value)


def _unlock(station: SimulatedStation, t: ModuleType, req: Any) -> Any:
    return t.UnlockConnectorResponse(status=station.unlock_connector(req.connectorId).value)


def _change_availability(station: SimulatedStation, t: ModuleType, req: Any) -> Any:
    status = station.change_availability(req.connectorId, sr.AvailabilityType(req.type))
    return t.ChangeAvailabilityResponse(status=status.value)


def _change_configuration(station: SimulatedStation, t: ModuleType, req: Any) -> Any:
    return t.ChangeConfigurationResponse(status=station.change_configuration(req.key, req.value).value)


def _get_configuration(station: SimulatedStation, t: ModuleType, req: Any) -> Any:
    known, unknown = station.get_configuration(list(req.key or ()))
    return t.GetConfigurationResponse(
        configurationKey=[t.KeyValue(key=k.key, readonly=k.readonly, value=k.value) for k in known] or None,
        unknownKey=unknown or None,
    )


def _clear_cache(station: SimulatedStation, t: ModuleType, req: Any) -> Any:
    return t.ClearCacheResponse(status=station.clear_cache().value)


def _get_diagnostics(station: SimulatedStation, t: ModuleType, req: Any) -> Any:
    return t.GetDiagnosticsResponse(fileName=station.get_diagnostics(req.location))


def _update_firmware(station: SimulatedStation, t: ModuleType, req: Any) -> Any:
    station.update_firmware(req.location, req.retrieveDate)
    return t.UpdateFirmwareResponse()


def _send_local_list(station: SimulatedStation, t: ModuleType, req: Any) -> Any:
    entries = [
        LocalListEntry(
            item.idTag,
            AuthorizationStatus(item.idTagInfo.status) if item.idTagInfo is not None else None,
            item.idTagInfo.expiryDate if item.idTagInfo is not None else None,
            item.idTagInfo.parentIdTag if item.idTagInfo is not None else None,
        )
        for item in req.localAuthorisationList or ()
    ]
    status = station.send_local_list(UpdateType(req.updateType), req.listVersion, entries)
    return t.SendLocalListResponse(status=status.value)


def _get_local_list_version(station: SimulatedStation, t: ModuleType, req: Any) -> Any:
    return t.GetLocalListVersionResponse(listVersion=station.get_local_list_version())


def _reserve_now(station: SimulatedStation, t: ModuleType, req: Any) -> Any:
    status = station.reserve_now(req.connectorId, req.expiryDate, req.idTag, req.parentIdTag, req.reservationId)
    return t.ReserveNowResponse(status=status.value)


def _cancel_reservation(station: SimulatedStation, t: ModuleType, req: Any) -> Any:
    return t.CancelReservationResponse(status=station.cancel_reservation(req.reservationId).value)


def _data_transfer(station: SimulatedStation, t: ModuleType, req: Any) -> Any:
    status, data = station.data_transfer(req.vendorId, req.messageId, req.data)
    return t.DataTransferResponse(status=status.value, data=data)


ANSWERS: dict[str, Answer] = {
    "CancelReservation": _cancel_reservation,
    "ChangeAvailability": _change_availability,
    "ChangeConfiguration": _change_configuration,
    "ClearCache": _clear_cache,
    "DataTransfer": _data_transfer,
    "GetConfiguration": _get_configuration,
    "GetDiagnostics": _get_diagnostics,
    "GetLocalListVersion": _get_local_list_version,
    "RemoteStartTransaction": _remote_start,
    "RemoteStopTransaction": _remote_stop,
    "ReserveNow": _reserve_now,
    "Reset": _reset,
    "SendLocalList": _send_local_list,
    "UnlockConnector": _unlock,
    "UpdateFirmware": _update_firmware,
}


def answer(station: SimulatedStation, types: ModuleType, operation: str, request: Any) -> Any:
    """The station's answer to one request, as the version's response object."""
    response = ANSWERS[operation](station, types, request)
    logger.info("station=%s operation=%s answer=%s", station.charge_box_id, operation,
                getattr(response, "status", None) or "-")
    return response

"""The back office's answers as the results a station is answered with (the SOAP edge of the station's version
words them: 1.2/1.5 say Rejected for 1.6's Pending, and call 1.6's ``interval`` the heartbeat interval)."""

from __future__ import annotations

from typing import Any

from ..domain import station_messages as sm
from ..domain.model import AuthorizationStatus, DataTransferStatus, IdTagInfo, RegistrationStatus
from ..timestamps import parse_timestamp

ID_TOKEN = 20


class BadAnswer(ValueError):
    """An answer the station cannot be given (the library validated its shape; this is about its values)."""


def boot_result(answer: dict[str, Any]) -> sm.BootResult:
    interval = int(answer["interval"])
    if not 0 <= interval <= 2**31 - 1:
        raise BadAnswer(f"interval {interval} does not fit a SOAP station's heartbeat interval")
    return sm.BootResult(
        status=RegistrationStatus(answer["status"]),
        current_time=parse_timestamp(answer["currentTime"]),
        heartbeat_interval=interval,
    )


def id_tag_info(info: dict[str, Any]) -> IdTagInfo:
    expiry = info.get("expiryDate")
    return IdTagInfo(
        status=AuthorizationStatus(info["status"]),
        expiry_date=parse_timestamp(expiry) if expiry else None,
        parent_id_tag=info.get("parentIdTag"),
    )


def authorize_result(answer: dict[str, Any]) -> IdTagInfo:
    return id_tag_info(answer["idTagInfo"])


def start_result(answer: dict[str, Any], station_transaction_id: int) -> sm.StartTransactionResult:
    return sm.StartTransactionResult(station_transaction_id, id_tag_info(answer["idTagInfo"]))


def stop_result(answer: dict[str, Any]) -> sm.StopTransactionResult:
    info = answer.get("idTagInfo")
    return sm.StopTransactionResult(id_tag_info(info) if info else None)


def data_transfer_result(answer: dict[str, Any]) -> sm.DataTransferResult:
    return sm.DataTransferResult(DataTransferStatus(answer["status"]), answer.get("data"))


def problem(action: str, answer: dict[str, Any]) -> str | None:
    """Why an answer cannot be given to the station (then ocpp-soap answers it), or None when it can."""
    try:
        if action == "BootNotification":
            boot_result(answer)
        elif action == "Authorize":
            authorize_result(answer)
        elif action == "StartTransaction":
            start_result(answer, 0)
            int(answer["transactionId"])
        elif action == "StopTransaction":
            stop_result(answer)
        elif action == "DataTransfer":
            data_transfer_result(answer)
    except (KeyError, TypeError, ValueError) as exc:
        return f"the back office's {action} answer cannot be given to the station: {type(exc).__name__}: {exc}"
    return None

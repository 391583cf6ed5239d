"""DataTransfer from stations: a small registry that vendor-specific code plugs into.

Without a handler for its vendor id a message is answered UnknownVendorId; every message is recorded either way.
"""

from __future__ import annotations

from collections.abc import Callable

from ..domain import events
from ..domain import station_messages as messages
from ..domain.model import DataTransferRecord, DataTransferStatus
from ..domain.ports import Clock, UnitOfWork
from .access import admitted_station

VendorHandler = Callable[[messages.ReceiveDataTransfer, UnitOfWork], messages.DataTransferResult]


class DataTransferRegistry:
    """Vendor id -> handler. Vendor ids compare case-insensitively, as stations are inconsistent about case."""

    def __init__(self) -> None:
        self._handlers: dict[str, VendorHandler] = {}

    def register(self, vendor_id: str, handler: VendorHandler) -> None:
        self._handlers[vendor_id.casefold()] = handler

    def unregister(self, vendor_id: str) -> None:
        self._handlers.pop(vendor_id.casefold(), None)

    def get(self, vendor_id: str) -> VendorHandler | None:
        return self._handlers.get(vendor_id.casefold())


def receive_data_transfer(
    cmd: messages.ReceiveDataTransfer, uow: UnitOfWork, clock: Clock, data_transfer_registry: DataTransferRegistry
) -> messages.DataTransferResult:
    now = clock()
    station = admitted_station(uow, cmd, now)
    vendor_handler = data_transfer_registry.get(cmd.vendor_id)
    if vendor_handler is None:
        result = messages.DataTransferResult(DataTransferStatus.UNKNOWN_VENDOR_ID)
    else:
        result = vendor_handler(cmd, uow)
    uow.data_transfers.add(
        DataTransferRecord(
            charge_box_id=station.charge_box_id,
            vendor_id=cmd.vendor_id,
            message_id=cmd.message_id,
            data=cmd.data,
            status=result.status,
            response_data=result.data,
            received_at=now,
        )
    )
    uow.events.append(events.DataTransferReceived(station.charge_box_id, cmd.vendor_id, cmd.message_id))
    return result

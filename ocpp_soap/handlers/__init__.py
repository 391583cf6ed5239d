"""Command handlers, one module per concern, and how the bus runs each of them.

:data:`COMMAND_HANDLERS` run in one transaction (the bus's, or the SOAP request's); :data:`OWN_TRANSACTION_HANDLERS`
open their own, because they call a station and no transaction may be held meanwhile.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..domain import station_messages as messages
from ..domain.commands import Command
from ..domain.station_requests import STATION_REQUESTS
from . import (
    accounts,
    authorization,
    data_transfer,
    registration,
    relay_settings,
    smart_charging,  # noqa: F401  (registers what the 1.6 smart-charging requests prepare and follow)
    station_requests,
    stations,
    transactions,
)

COMMAND_HANDLERS: dict[type[Command], Callable[..., Any]] = {
    messages.BootChargingStation: stations.boot_charging_station,
    messages.RecordHeartbeat: stations.record_heartbeat,
    messages.UpdateConnectorStatus: stations.update_connector_status,
    messages.UpdateFirmwareStatus: stations.update_firmware_status,
    messages.UpdateDiagnosticsStatus: stations.update_diagnostics_status,
    messages.AuthorizeIdTag: authorization.authorize_id_tag,
    messages.StartTransaction: transactions.start_transaction,
    messages.StopTransaction: transactions.stop_transaction,
    messages.RecordMeterValues: transactions.record_meter_values,
    messages.ReceiveDataTransfer: data_transfer.receive_data_transfer,
    **registration.HANDLERS,
    **accounts.HANDLERS,
    **relay_settings.HANDLERS,
}

OWN_TRANSACTION_HANDLERS: dict[type[Command], Callable[..., Any]] = {
    request: station_requests.send_station_request for request in STATION_REQUESTS
}

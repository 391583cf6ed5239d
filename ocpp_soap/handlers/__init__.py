"""Command handlers, one module per concern; :data:`COMMAND_HANDLERS` maps every command to its handler."""

from __future__ import annotations

from ..domain import commands
from ..domain.station_requests import STATION_REQUESTS
from . import accounts, authorization, data_transfer, registration, station_requests, stations, transactions

COMMAND_HANDLERS = {
    commands.BootChargingStation: stations.boot_charging_station,
    commands.RecordHeartbeat: stations.record_heartbeat,
    commands.UpdateConnectorStatus: stations.update_connector_status,
    commands.UpdateFirmwareStatus: stations.update_firmware_status,
    commands.UpdateDiagnosticsStatus: stations.update_diagnostics_status,
    commands.AuthorizeIdTag: authorization.authorize_id_tag,
    commands.StartTransaction: transactions.start_transaction,
    commands.StopTransaction: transactions.stop_transaction,
    commands.RecordMeterValues: transactions.record_meter_values,
    commands.ReceiveDataTransfer: data_transfer.receive_data_transfer,
}
COMMAND_HANDLERS.update({request: station_requests.send_station_request for request in STATION_REQUESTS})
COMMAND_HANDLERS.update(registration.HANDLERS)
COMMAND_HANDLERS.update(accounts.HANDLERS)

"""The OCPP 1.5 CentralSystemService: each operation translates its request into a domain command and the
command's result into the response. Nothing else happens here."""

from __future__ import annotations

from typing import Any

from spyne import ServiceBase

from ...domain import commands
from ...domain import model as m
from ..translation import bare, boot_details, boot_response, id_tag_info, optional_enum
from . import types as t


def meter_readings(values: list[Any] | None) -> tuple[m.MeterReading, ...]:
    return tuple(
        m.MeterReading(
            timestamp=reading.timestamp,
            values=tuple(
                m.SampledValue(
                    value=(sampled.value or "").strip(),
                    context=optional_enum(m.ReadingContext, sampled.context),
                    format=optional_enum(m.ValueFormat, sampled.format),
                    measurand=optional_enum(m.Measurand, sampled.measurand),
                    location=optional_enum(m.Location, sampled.location),
                    unit=optional_enum(m.UnitOfMeasure, sampled.unit),
                )
                for sampled in reading.value or ()
            ),
        )
        for reading in values or ()
    )


class CentralSystemService(ServiceBase):
    @bare(t.AuthorizeRequest, t.AuthorizeResponse, "Authorize")
    def Authorize(ctx: Any, req: t.AuthorizeRequest) -> t.AuthorizeResponse:
        info = ctx.udc.dispatch(commands.AuthorizeIdTag(ctx.udc.origin, id_tag=req.idTag))
        return t.AuthorizeResponse(idTagInfo=id_tag_info(info, t.IdTagInfo))

    @bare(t.BootNotificationRequest, t.BootNotificationResponse, "BootNotification")
    def BootNotification(ctx: Any, req: t.BootNotificationRequest) -> t.BootNotificationResponse:
        result = ctx.udc.dispatch(commands.BootChargingStation(ctx.udc.origin, details=boot_details(req)))
        return boot_response(result, t.BootNotificationResponse)

    @bare(t.DataTransferRequest, t.DataTransferResponse, "DataTransfer")
    def DataTransfer(ctx: Any, req: t.DataTransferRequest) -> t.DataTransferResponse:
        result = ctx.udc.dispatch(
            commands.ReceiveDataTransfer(ctx.udc.origin, vendor_id=req.vendorId, message_id=req.messageId, data=req.data)
        )
        return t.DataTransferResponse(status=result.status.value, data=result.data)

    @bare(t.DiagnosticsStatusNotificationRequest, t.DiagnosticsStatusNotificationResponse, "DiagnosticsStatusNotification")
    def DiagnosticsStatusNotification(ctx: Any, req: Any) -> t.DiagnosticsStatusNotificationResponse:
        ctx.udc.dispatch(commands.UpdateDiagnosticsStatus(ctx.udc.origin, status=m.DiagnosticsStatus(req.status)))
        return t.DiagnosticsStatusNotificationResponse()

    @bare(t.FirmwareStatusNotificationRequest, t.FirmwareStatusNotificationResponse, "FirmwareStatusNotification")
    def FirmwareStatusNotification(ctx: Any, req: Any) -> t.FirmwareStatusNotificationResponse:
        ctx.udc.dispatch(commands.UpdateFirmwareStatus(ctx.udc.origin, status=m.FirmwareStatus(req.status)))
        return t.FirmwareStatusNotificationResponse()

    @bare(None, t.HeartbeatResponse, "Heartbeat")
    def Heartbeat(ctx: Any) -> t.HeartbeatResponse:
        result = ctx.udc.dispatch(commands.RecordHeartbeat(ctx.udc.origin))
        return t.HeartbeatResponse(currentTime=result.current_time)

    @bare(t.MeterValuesRequest, t.MeterValuesResponse, "MeterValues")
    def MeterValues(ctx: Any, req: t.MeterValuesRequest) -> t.MeterValuesResponse:
        ctx.udc.dispatch(
            commands.RecordMeterValues(
                ctx.udc.origin,
                connector_id=req.connectorId,
                readings=meter_readings(req.values),
                transaction_id=req.transactionId,
            )
        )
        return t.MeterValuesResponse()

    @bare(t.StartTransactionRequest, t.StartTransactionResponse, "StartTransaction")
    def StartTransaction(ctx: Any, req: t.StartTransactionRequest) -> t.StartTransactionResponse:
        result = ctx.udc.dispatch(
            commands.StartTransaction(
                ctx.udc.origin,
                connector_id=req.connectorId,
                id_tag=req.idTag,
                timestamp=req.timestamp,
                meter_start=req.meterStart,
                reservation_id=req.reservationId,
            )
        )
        return t.StartTransactionResponse(
            transactionId=result.transaction_id, idTagInfo=id_tag_info(result.id_tag_info, t.IdTagInfo)
        )

    @bare(t.StatusNotificationRequest, t.StatusNotificationResponse, "StatusNotification")
    def StatusNotification(ctx: Any, req: t.StatusNotificationRequest) -> t.StatusNotificationResponse:
        ctx.udc.dispatch(
            commands.UpdateConnectorStatus(
                ctx.udc.origin,
                connector_id=req.connectorId,
                status=m.ConnectorStatus(req.status),
                error_code=m.ChargePointErrorCode(req.errorCode),
                info=req.info,
                timestamp=req.timestamp,
                vendor_id=req.vendorId,
                vendor_error_code=req.vendorErrorCode,
            )
        )
        return t.StatusNotificationResponse()

    @bare(t.StopTransactionRequest, t.StopTransactionResponse, "StopTransaction")
    def StopTransaction(ctx: Any, req: t.StopTransactionRequest) -> t.StopTransactionResponse:
        readings = tuple(r for data in req.transactionData or () for r in meter_readings(data.values))
        result = ctx.udc.dispatch(
            commands.StopTransaction(
                ctx.udc.origin,
                transaction_id=req.transactionId,
                timestamp=req.timestamp,
                meter_stop=req.meterStop,
                id_tag=req.idTag,
                transaction_data=readings,
            )
        )
        info = result.id_tag_info
        return t.StopTransactionResponse(idTagInfo=id_tag_info(info, t.IdTagInfo) if info is not None else None)

"""The OCPP 1.5 ChargePointService (``urn://Ocpp/Cp/2012/06/``): the operations a central system calls on a station.

The service is declared once, with the types of :mod:`.charge_point_types`; it serves two purposes:

- :data:`CHARGE_POINT` describes it for WSDL generation (``wsdl/ocpp15_chargepoint.wsdl``), from which our client
  toward stations is built;
- a station simulator serves it: each method hands its request to whatever object the host put in ``ctx.udc``.

The contract with the host: ``ctx.udc.handle(operation, request)`` is called with the OCPP operation name
(``"Reset"``) and the deserialised request (a :class:`~.charge_point_types.ResetRequest`; ``None`` for ClearCache
and GetLocalListVersion, whose request is empty), and returns an instance of the operation's response type
(:class:`~.charge_point_types.ResetResponse`), which the method returns unchanged. What a station does with the
request, and any exception it raises, is the host's business.
"""

from __future__ import annotations

from typing import Any

from spyne import ServiceBase

from ...domain.model import Protocol
from ..addon import AddOn
from ..translation import bare
from . import charge_point_types as t


class ChargePointService(ServiceBase):
    @bare(t.CancelReservationRequest, t.CancelReservationResponse, "CancelReservation")
    def CancelReservation(ctx: Any, req: t.CancelReservationRequest) -> t.CancelReservationResponse:
        return ctx.udc.handle("CancelReservation", req)

    @bare(t.ChangeAvailabilityRequest, t.ChangeAvailabilityResponse, "ChangeAvailability")
    def ChangeAvailability(ctx: Any, req: t.ChangeAvailabilityRequest) -> t.ChangeAvailabilityResponse:
        return ctx.udc.handle("ChangeAvailability", req)

    @bare(t.ChangeConfigurationRequest, t.ChangeConfigurationResponse, "ChangeConfiguration")
    def ChangeConfiguration(ctx: Any, req: t.ChangeConfigurationRequest) -> t.ChangeConfigurationResponse:
        return ctx.udc.handle("ChangeConfiguration", req)

    @bare(None, t.ClearCacheResponse, "ClearCache")
    def ClearCache(ctx: Any) -> t.ClearCacheResponse:
        return ctx.udc.handle("ClearCache", None)

    @bare(t.DataTransferRequest, t.DataTransferResponse, "DataTransfer")
    def DataTransfer(ctx: Any, req: t.DataTransferRequest) -> t.DataTransferResponse:
        return ctx.udc.handle("DataTransfer", req)

    @bare(t.GetConfigurationRequest, t.GetConfigurationResponse, "GetConfiguration")
    def GetConfiguration(ctx: Any, req: t.GetConfigurationRequest) -> t.GetConfigurationResponse:
        return ctx.udc.handle("GetConfiguration", req)

    @bare(t.GetDiagnosticsRequest, t.GetDiagnosticsResponse, "GetDiagnostics")
    def GetDiagnostics(ctx: Any, req: t.GetDiagnosticsRequest) -> t.GetDiagnosticsResponse:
        return ctx.udc.handle("GetDiagnostics", req)

    @bare(None, t.GetLocalListVersionResponse, "GetLocalListVersion")
    def GetLocalListVersion(ctx: Any) -> t.GetLocalListVersionResponse:
        return ctx.udc.handle("GetLocalListVersion", None)

    @bare(t.RemoteStartTransactionRequest, t.RemoteStartTransactionResponse, "RemoteStartTransaction")
    def RemoteStartTransaction(ctx: Any, req: t.RemoteStartTransactionRequest) -> t.RemoteStartTransactionResponse:
        return ctx.udc.handle("RemoteStartTransaction", req)

    @bare(t.RemoteStopTransactionRequest, t.RemoteStopTransactionResponse, "RemoteStopTransaction")
    def RemoteStopTransaction(ctx: Any, req: t.RemoteStopTransactionRequest) -> t.RemoteStopTransactionResponse:
        return ctx.udc.handle("RemoteStopTransaction", req)

    @bare(t.ReserveNowRequest, t.ReserveNowResponse, "ReserveNow")
    def ReserveNow(ctx: Any, req: t.ReserveNowRequest) -> t.ReserveNowResponse:
        return ctx.udc.handle("ReserveNow", req)

    @bare(t.ResetRequest, t.ResetResponse, "Reset")
    def Reset(ctx: Any, req: t.ResetRequest) -> t.ResetResponse:
        return ctx.udc.handle("Reset", req)

    @bare(t.SendLocalListRequest, t.SendLocalListResponse, "SendLocalList")
    def SendLocalList(ctx: Any, req: t.SendLocalListRequest) -> t.SendLocalListResponse:
        return ctx.udc.handle("SendLocalList", req)

    @bare(t.UnlockConnectorRequest, t.UnlockConnectorResponse, "UnlockConnector")
    def UnlockConnector(ctx: Any, req: t.UnlockConnectorRequest) -> t.UnlockConnectorResponse:
        return ctx.udc.handle("UnlockConnector", req)

    @bare(t.UpdateFirmwareRequest, t.UpdateFirmwareResponse, "UpdateFirmware")
    def UpdateFirmware(ctx: Any, req: t.UpdateFirmwareRequest) -> t.UpdateFirmwareResponse:
        return ctx.udc.handle("UpdateFirmware", req)


CHARGE_POINT = AddOn(
    protocol=Protocol.OCPP15_SOAP,
    version="1.5",
    namespace=t.TNS,
    service=ChargePointService,
    path="/ChargePointService",
    declares_response_actions=True,
    service_name="ChargePointService",
)

"""The OCPP 1.2 ChargePointService (``urn://Ocpp/Cp/2010/08/``): the operations a central system calls on a station.

The service is declared once, with the types of :mod:`.charge_point_types`; it serves two purposes:

- :data:`CHARGE_POINT` describes it for WSDL generation (``wsdl/ocpp12_chargepoint.wsdl``), from which our client
  toward stations is built;
- a station simulator serves it: each method hands its request to whatever object the host put in ``ctx.udc``.

The contract with the host: ``ctx.udc.handle(operation, request)`` is called with the OCPP operation name
(``"Reset"``) and the deserialised request (a :class:`~.charge_point_types.ResetRequest`; ``None`` for ClearCache,
whose request is empty), and returns an instance of the operation's response type
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
    @bare(t.ChangeAvailabilityRequest, t.ChangeAvailabilityResponse, "ChangeAvailability")
    def ChangeAvailability(ctx: Any, req: t.ChangeAvailabilityRequest) -> t.ChangeAvailabilityResponse:
        return ctx.udc.handle("ChangeAvailability", req)

    @bare(t.ChangeConfigurationRequest, t.ChangeConfigurationResponse, "ChangeConfiguration")
    def ChangeConfiguration(ctx: Any, req: t.ChangeConfigurationRequest) -> t.ChangeConfigurationResponse:
        return ctx.udc.handle("ChangeConfiguration", req)

    @bare(None, t.ClearCacheResponse, "ClearCache")
    def ClearCache(ctx: Any) -> t.ClearCacheResponse:
        return ctx.udc.handle("ClearCache", None)

    @bare(t.GetDiagnosticsRequest, t.GetDiagnosticsResponse, "GetDiagnostics")
    def GetDiagnostics(ctx: Any, req: t.GetDiagnosticsRequest) -> t.GetDiagnosticsResponse:
        return ctx.udc.handle("GetDiagnostics", req)

    @bare(t.RemoteStartTransactionRequest, t.RemoteStartTransactionResponse, "RemoteStartTransaction")
    def RemoteStartTransaction(ctx: Any, req: t.RemoteStartTransactionRequest) -> t.RemoteStartTransactionResponse:
        return ctx.udc.handle("RemoteStartTransaction", req)

    @bare(t.RemoteStopTransactionRequest, t.RemoteStopTransactionResponse, "RemoteStopTransaction")
    def RemoteStopTransaction(ctx: Any, req: t.RemoteStopTransactionRequest) -> t.RemoteStopTransactionResponse:
        return ctx.udc.handle("RemoteStopTransaction", req)

    @bare(t.ResetRequest, t.ResetResponse, "Reset")
    def Reset(ctx: Any, req: t.ResetRequest) -> t.ResetResponse:
        return ctx.udc.handle("Reset", req)

    @bare(t.UnlockConnectorRequest, t.UnlockConnectorResponse, "UnlockConnector")
    def UnlockConnector(ctx: Any, req: t.UnlockConnectorRequest) -> t.UnlockConnectorResponse:
        return ctx.udc.handle("UnlockConnector", req)

    @bare(t.UpdateFirmwareRequest, t.UpdateFirmwareResponse, "UpdateFirmware")
    def UpdateFirmware(ctx: Any, req: t.UpdateFirmwareRequest) -> t.UpdateFirmwareResponse:
        return ctx.udc.handle("UpdateFirmware", req)


CHARGE_POINT = AddOn(
    protocol=Protocol.OCPP12_SOAP,
    version="1.2",
    namespace=t.TNS,
    service=ChargePointService,
    path="/ChargePointService",
    declares_response_actions=False,  # the official 1.2 WSDL declares wsaw:Action on inputs only
    service_name="ChargePointService",
)

"""The OCPP 1.5 ChargePointService (``urn://Ocpp/Cp/2012/06/``): the operations a central system calls on a station.

The service is built from the types of :mod:`.charge_point_types` (see :mod:`..charge_point_service`); it
serves two purposes:

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

from ...domain.model import Protocol
from ..addon import AddOn
from ..charge_point_service import charge_point_service
from . import charge_point_types as t

OPERATIONS = (
    "CancelReservation",
    "ChangeAvailability",
    "ChangeConfiguration",
    "ClearCache",
    "DataTransfer",
    "GetConfiguration",
    "GetDiagnostics",
    "GetLocalListVersion",
    "RemoteStartTransaction",
    "RemoteStopTransaction",
    "ReserveNow",
    "Reset",
    "SendLocalList",
    "UnlockConnector",
    "UpdateFirmware",
)
ChargePointService = charge_point_service(t, OPERATIONS)

CHARGE_POINT = AddOn(
    protocol=Protocol.OCPP15_SOAP,
    version="1.5",
    namespace=t.TNS,
    service=ChargePointService,
    path="/ChargePointService",
    declares_response_actions=True,
    service_name="ChargePointService",
)

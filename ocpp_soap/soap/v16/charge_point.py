"""The OCPP 1.6 ChargePointService (``urn://Ocpp/Cp/2015/10/``): the 19 operations a central system calls on a
station (1.5's fifteen, plus ClearChargingProfile, GetCompositeSchedule, SetChargingProfile and TriggerMessage),
built from the registry and the types of :mod:`.charge_point_types`. Our charge-point WSDL is generated from it
(``wsdl/ocpp16_chargepoint.wsdl``) and our client toward stations is built from that WSDL."""

from __future__ import annotations

from ...domain.versions import Protocol
from ..edge import CHARGE_POINT
from ..services import build_service
from . import charge_point_types as t

ChargePointService = build_service(CHARGE_POINT, t, Protocol.OCPP16_SOAP.operator_operations)

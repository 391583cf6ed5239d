"""The OCPP 1.2 ChargePointService (``urn://Ocpp/Cp/2010/08/``): the operations a central system calls on a
station, built from the registry and the types of :mod:`.charge_point_types`. Our charge-point WSDL is generated
from it (``wsdl/ocpp12_chargepoint.wsdl``), our client toward stations is built from that WSDL, and the simulator
serves it."""

from __future__ import annotations

from ...domain.versions import Protocol
from ..edge import CHARGE_POINT
from ..services import build_service
from . import charge_point_types as t

ChargePointService = build_service(CHARGE_POINT, t, Protocol.OCPP12_SOAP.operator_operations)

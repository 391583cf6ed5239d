"""OCPP 1.2 over SOAP (``urn://Ocpp/Cs/2010/08/`` and ``urn://Ocpp/Cp/2010/08/``): the version's edge.

It runs beside the other versions on the same domain, bus and database; the differences of 1.2 (one integer per
meter reading, four connector states, eight error codes, no DataTransfer) are in its types and translations.
"""

from __future__ import annotations

from ...domain.versions import Protocol
from ..edge import CENTRAL_SYSTEM, CHARGE_POINT, Service, VersionEdge
from . import central_system, charge_point, charge_point_types, types

PROTOCOL = Protocol.OCPP12_SOAP

EDGE = VersionEdge(
    protocol=PROTOCOL,
    central_system=Service(
        CENTRAL_SYSTEM, PROTOCOL.number, types.TNS, types, central_system.CentralSystemService,
        "/services/centralSystemServiceOcpp12", PROTOCOL.station_operations,
    ),
    charge_point=Service(
        CHARGE_POINT, PROTOCOL.number, charge_point_types.TNS, charge_point_types, charge_point.ChargePointService,
        "/ChargePointService", PROTOCOL.operator_operations,
    ),
    translations=central_system.TRANSLATIONS,
    readings_writer=central_system.READINGS_WRITER,
    # The 1.2 WSDL declares wsaw:Action on inputs only; answers still carry /OpResponse.
    declares_response_actions=False,
)

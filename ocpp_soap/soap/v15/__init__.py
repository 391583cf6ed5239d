"""OCPP 1.5 over SOAP (``urn://Ocpp/Cs/2012/06/`` and ``urn://Ocpp/Cp/2012/06/``): the version's edge."""

from __future__ import annotations

from ...domain.versions import Protocol
from ..edge import CENTRAL_SYSTEM, CHARGE_POINT, Service, VersionEdge
from . import central_system, charge_point, charge_point_types, types

PROTOCOL = Protocol.OCPP15_SOAP

EDGE = VersionEdge(
    protocol=PROTOCOL,
    central_system=Service(
        CENTRAL_SYSTEM, PROTOCOL.number, types.TNS, types, central_system.CentralSystemService,
        "/services/centralSystemServiceOcpp15", PROTOCOL.station_operations,
    ),
    charge_point=Service(
        CHARGE_POINT, PROTOCOL.number, charge_point_types.TNS, charge_point_types, charge_point.ChargePointService,
        "/ChargePointService", PROTOCOL.operator_operations,
    ),
    translations=central_system.TRANSLATIONS,
    readings_writer=central_system.READINGS_WRITER,
    declares_response_actions=True,
)

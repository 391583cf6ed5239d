"""OCPP 1.6 over SOAP (``urn://Ocpp/Cs/2015/10/`` and ``urn://Ocpp/Cp/2015/10/``): the version's edge.

1.6 renames two fields of SendLocalList on the wire (the operation spec keeps 1.5's OCPP names, which the other
versions use): ``localAuthorisationList`` is ``localAuthorizationList`` here.
"""

from __future__ import annotations

from ...domain.versions import Protocol
from ..edge import CENTRAL_SYSTEM, CHARGE_POINT, Service, VersionEdge
from . import central_system, charge_point, charge_point_types, types

PROTOCOL = Protocol.OCPP16_SOAP

EDGE = VersionEdge(
    protocol=PROTOCOL,
    central_system=Service(
        CENTRAL_SYSTEM, PROTOCOL.number, types.TNS, types, central_system.CentralSystemService,
        "/services/centralSystemServiceOcpp16", PROTOCOL.station_operations,
    ),
    charge_point=Service(
        CHARGE_POINT, PROTOCOL.number, charge_point_types.TNS, charge_point_types, charge_point.ChargePointService,
        "/ChargePointService", PROTOCOL.operator_operations,
    ),
    translations=central_system.TRANSLATIONS,
    readings_writer=central_system.READINGS_WRITER,
    declares_response_actions=True,
    wire_names={"SendLocalList": {"localAuthorisationList": "localAuthorizationList"}},
)

"""OCPP 1.5 over SOAP: the add-on that translates ``urn://Ocpp/Cs/2012/06/`` messages to domain commands."""

from __future__ import annotations

from ...domain.model import Protocol
from ..addon import AddOn
from .central_system import CentralSystemService
from .types import TNS

ADDON = AddOn(
    protocol=Protocol.OCPP15_SOAP,
    version="1.5",
    namespace=TNS,
    service=CentralSystemService,
    path="/services/centralSystemServiceOcpp15",
    declares_response_actions=True,
)

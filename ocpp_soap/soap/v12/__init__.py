"""OCPP 1.2 over SOAP: the add-on that translates ``urn://Ocpp/Cs/2010/08/`` messages to domain commands.

It runs beside the 1.5 add-on on the same domain, bus and database; the differences of 1.2 (one integer per
meter reading, four connector states, eight error codes, no DataTransfer) are translated here.
"""

from __future__ import annotations

from ...domain.model import Protocol
from ..addon import AddOn
from .central_system import CentralSystemService
from .types import TNS

ADDON = AddOn(
    protocol=Protocol.OCPP12_SOAP,
    version="1.2",
    namespace=TNS,
    service=CentralSystemService,
    path="/services/centralSystemServiceOcpp12",
    declares_response_actions=False,  # the 1.2 WSDL declares wsaw:Action on inputs only; we still answer /OpResponse
)

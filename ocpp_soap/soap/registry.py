"""The add-ons this central system serves, and the WSGI endpoints built from them (once, at start)."""

from __future__ import annotations

from ..bus import MessageBus
from .addon import AddOn
from .endpoint import EndpointInfo, SoapEndpoint
from .processor import AddOnProcessor
from .v15 import ADDON as OCPP15

ADDONS: tuple[AddOn, ...] = (OCPP15,)
SHARED_PATH = "/services/CentralSystemService"


def build_endpoints(bus: MessageBus, *, max_body: int, public_url: str | None) -> dict[str, SoapEndpoint]:
    """Path -> endpoint: one per add-on, plus the shared URL that routes by body namespace."""
    from .wsdl import WsdlDocument

    processors = {addon.namespace: AddOnProcessor(addon, bus) for addon in ADDONS}
    endpoints: dict[str, SoapEndpoint] = {}
    for processor in processors.values():
        addon = processor.addon
        endpoints[addon.path] = SoapEndpoint(
            {addon.namespace: processor},
            info=EndpointInfo(f"OCPP {addon.version} central system (SOAP)", WsdlDocument(addon, processor.app).render),
            max_body=max_body,
            public_url=public_url,
            routing=False,
        )
    return endpoints

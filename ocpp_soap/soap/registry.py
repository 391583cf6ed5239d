"""The add-ons this central system serves, and the WSGI endpoints built from them (once, at start).

Each add-on has its own URL; :data:`SHARED_PATH` serves them all and picks the add-on by the namespace of the
request's body element, so a station can be pointed at one URL whatever version it speaks. GET ``?wsdl`` on the
shared URL answers a small XML index that says where each version's WSDL is.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from lxml import etree

from ..bus import MessageBus
from .addon import AddOn
from .endpoint import EndpointInfo, SoapEndpoint
from .message_journal import MessageJournal
from .processor import AddOnProcessor
from .v12 import ADDON as OCPP12
from .v15 import ADDON as OCPP15

ADDONS: tuple[AddOn, ...] = (OCPP12, OCPP15)
SHARED_PATH = "/services/CentralSystemService"
INDEX_NS = "urn:ocpp-soap:service-index"
"""Namespace of the document GET ``?wsdl`` answers on the shared URL (ours, not an OCPP one)."""


def addon_for_version(version: str) -> AddOn:
    """The central-system add-on of an OCPP version ("1.2", "1.5")."""
    for addon in ADDONS:
        if addon.version == version:
            return addon
    raise ValueError(f"no central-system service for OCPP {version!r}; known: {', '.join(a.version for a in ADDONS)}")


def build_endpoints(
    bus: MessageBus, *, max_body: int, public_url: str | None, journal: MessageJournal | None = None
) -> dict[str, SoapEndpoint]:
    """Path -> endpoint: one per add-on, plus the shared URL that routes by body namespace."""
    from .wsdl import WsdlDocument

    processors = {addon.namespace: AddOnProcessor(addon, bus, journal=journal) for addon in ADDONS}
    endpoints: dict[str, SoapEndpoint] = {}
    for processor in processors.values():
        addon = processor.addon
        endpoints[addon.path] = SoapEndpoint(
            {addon.namespace: processor},
            info=EndpointInfo(f"OCPP {addon.version} central system (SOAP)", WsdlDocument(addon, processor.app).render),
            max_body=max_body,
            public_url=public_url,
            routing=False,
            journal=journal,
        )
    versions = ", ".join(addon.version for addon in ADDONS)
    endpoints[SHARED_PATH] = SoapEndpoint(
        processors,
        info=EndpointInfo(
            f"OCPP central system (SOAP) for OCPP {versions}: the namespace of the request body picks the version; "
            "?wsdl lists where each version's WSDL is",
            service_index(ADDONS),
        ),
        max_body=max_body,
        public_url=public_url,
        routing=True,
        journal=journal,
    )
    return endpoints


def service_index(addons: Sequence[AddOn]) -> Callable[[str], bytes]:
    """What GET ``?wsdl`` on the shared URL answers, given that URL (as the endpoint's ``address()`` built it).

    There is no single WSDL for several OCPP versions (each has its own namespace and a SOAP client binds to
    one), so the shared URL lists each version's endpoint and WSDL, both public URLs derived from the same base.
    """

    def render(address: str) -> bytes:
        base = _base_url(address)
        root = etree.Element(f"{{{INDEX_NS}}}services", nsmap={None: INDEX_NS}, address=address)
        root.append(
            etree.Comment(
                " OCPP central system (SOAP). Stations of any version below may POST to this address; the namespace "
                "of the request body picks the version. A SOAP client needs the WSDL of its version: see each <wsdl>. "
            )
        )
        for addon in addons:
            endpoint = base + addon.path
            service = etree.SubElement(
                root,
                f"{{{INDEX_NS}}}service",
                version=addon.version,
                namespace=addon.namespace,
                protocol=addon.protocol.value,
            )
            etree.SubElement(service, f"{{{INDEX_NS}}}endpoint").text = endpoint
            etree.SubElement(service, f"{{{INDEX_NS}}}wsdl").text = f"{endpoint}?wsdl"
        return etree.tostring(root, xml_declaration=True, encoding="utf-8", pretty_print=True)  # type: ignore[no-any-return]

    return render


def _base_url(address: str) -> str:
    """The public base URL (scheme, host and any prefix) of the shared endpoint's address."""
    stripped = address.rstrip("/")
    return stripped[: -len(SHARED_PATH)] if stripped.endswith(SHARED_PATH) else stripped

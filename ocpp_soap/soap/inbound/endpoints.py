"""The central system's SOAP endpoints, built once at start from the version registry.

Each version has its own URL; :data:`SHARED_PATH` serves them all and picks the version by the namespace of the
request's body element, so a station can be pointed at one URL whatever version it speaks. GET ``?wsdl`` on the
shared URL answers a small XML index that says where each version's WSDL is.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from lxml import etree

from ...bus import MessageBus
from ..addressing import MessageIds, new_message_id
from ..edge import edges
from ..wsdl import WsdlDocument
from .endpoint import EndpointInfo, SoapEndpoint
from .message_log import MessageLog
from .pipeline import CentralSystemVersion, InboundPipeline, MessageTap

SHARED_PATH = "/services/CentralSystemService"
INDEX_NS = "urn:ocpp-soap:service-index"
"""Namespace of the document GET ``?wsdl`` answers on the shared URL (ours, not an OCPP one)."""


def build_endpoints(
    bus: MessageBus,
    *,
    max_body: int,
    public_url: str | None,
    clock: Callable[[], datetime],
    message_log: MessageLog | None = None,
    message_ids: MessageIds = new_message_id,
    tap: MessageTap | None = None,
) -> dict[str, SoapEndpoint]:
    """Path -> endpoint: one per version, plus the shared URL that routes by body namespace."""
    versions = [CentralSystemVersion.of(edge) for edge in edges()]
    endpoints: dict[str, SoapEndpoint] = {}
    for version in versions:
        edge = version.edge
        pipeline = InboundPipeline(
            [version], bus, message_log, max_body=max_body, clock=clock, routing=False, message_ids=message_ids,
            tap=tap,
        )
        endpoints[edge.central_system.path] = SoapEndpoint(
            pipeline,
            info=EndpointInfo(f"OCPP {edge.number} central system (SOAP)", WsdlDocument(edge, version.codec).render),
            public_url=public_url,
        )
    numbers = ", ".join(version.edge.number for version in versions)
    shared = InboundPipeline(
        versions, bus, message_log, max_body=max_body, clock=clock, routing=True, message_ids=message_ids, tap=tap
    )
    endpoints[SHARED_PATH] = SoapEndpoint(
        shared,
        info=EndpointInfo(
            f"OCPP central system (SOAP) for OCPP {numbers}: the namespace of the request body picks the version; "
            "?wsdl lists where each version's WSDL is",
            service_index(versions),
        ),
        public_url=public_url,
    )
    return endpoints


def service_index(versions: Sequence[CentralSystemVersion]) -> Callable[[str], bytes]:
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
        for version in versions:
            edge = version.edge
            endpoint = base + edge.central_system.path
            service = etree.SubElement(
                root,
                f"{{{INDEX_NS}}}service",
                version=edge.number,
                namespace=edge.central_system.namespace,
                protocol=edge.protocol.value,
            )
            etree.SubElement(service, f"{{{INDEX_NS}}}endpoint").text = endpoint
            etree.SubElement(service, f"{{{INDEX_NS}}}wsdl").text = f"{endpoint}?wsdl"
        return etree.tostring(root, xml_declaration=True, encoding="utf-8", pretty_print=True)  # type: ignore[no-any-return]

    return render


def _base_url(address: str) -> str:
    """The public base URL (scheme, host and any prefix) of the shared endpoint's address."""
    stripped = address.rstrip("/")
    return stripped[: -len(SHARED_PATH)] if stripped.endswith(SHARED_PATH) else stripped

"""SOAP 1.1 and 1.2 envelopes: recognise which one a station sent, take it apart, and build the answer in kind."""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from .faults import SoapFault


@dataclass(frozen=True)
class SoapVersion:
    name: str
    envelope_ns: str
    media_type: str
    sender_code: str  # the fault code for "the sender's fault"
    receiver_code: str

    def content_type(self, action: str | None = None) -> str:
        value = f"{self.media_type}; charset=utf-8"
        if action and self is SOAP12:
            value += f'; action="{action}"'
        return value


SOAP11 = SoapVersion("1.1", "http://schemas.xmlsoap.org/soap/envelope/", "text/xml", "Client", "Server")
SOAP12 = SoapVersion("1.2", "http://www.w3.org/2003/05/soap-envelope", "application/soap+xml", "Sender", "Receiver")
_BY_NAMESPACE = {v.envelope_ns: v for v in (SOAP11, SOAP12)}


def guess_version(content_type: str | None) -> SoapVersion:
    """The version to answer in before the envelope could be read: ``text/xml`` means SOAP 1.1."""
    if content_type and content_type.split(";")[0].strip().lower() == "text/xml":
        return SOAP11
    return SOAP12


@dataclass(frozen=True)
class Envelope:
    version: SoapVersion
    headers: list[etree._Element]
    body: etree._Element  # the one payload element inside soap:Body


def split_envelope(root: etree._Element) -> Envelope:
    """Find the version, the header blocks and the single body element, or raise a Sender fault saying what is wrong."""
    qname = etree.QName(root)
    version = _BY_NAMESPACE.get(qname.namespace or "")
    if qname.localname != "Envelope" or version is None:
        raise SoapFault.sender(
            f"the document is not a SOAP envelope: expected a SOAP 1.1 or 1.2 Envelope, got {root.tag}"
        )
    header = root.find(f"{{{version.envelope_ns}}}Header")
    body = root.find(f"{{{version.envelope_ns}}}Body")
    if body is None:
        raise SoapFault.sender("the SOAP envelope has no Body", version=version)
    payload = [child for child in body if isinstance(child.tag, str)]
    if not payload:
        raise SoapFault.sender("the SOAP Body is empty: it must hold one OCPP request element", version=version)
    if len(payload) > 1:
        raise SoapFault.sender(
            f"the SOAP Body holds {len(payload)} elements; it must hold exactly one OCPP request element",
            version=version,
        )
    headers = [] if header is None else [child for child in header if isinstance(child.tag, str)]
    return Envelope(version, headers, payload[0])


def header_blocks(root: etree._Element) -> list[etree._Element]:
    """The header blocks of whatever arrived, even an envelope :func:`split_envelope` refuses (a wrong or missing
    Body, an unknown SOAP namespace): a fault about it can still answer the request's wsa:MessageID."""
    if etree.QName(root).localname != "Envelope":
        return []
    for child in root:
        if isinstance(child.tag, str) and etree.QName(child).localname == "Header":
            return [block for block in child if isinstance(block.tag, str)]
    return []


def new_envelope(version: SoapVersion, nsmap: dict[str | None, str] | None = None) -> tuple[etree._Element, etree._Element, etree._Element]:
    """An empty response envelope: (Envelope, Header, Body)."""
    ns = version.envelope_ns
    envelope = etree.Element(f"{{{ns}}}Envelope", nsmap={"soap": ns, **(nsmap or {})})
    header = etree.SubElement(envelope, f"{{{ns}}}Header")
    body = etree.SubElement(envelope, f"{{{ns}}}Body")
    return envelope, header, body


def to_bytes(envelope: etree._Element) -> bytes:
    return etree.tostring(envelope, xml_declaration=True, encoding="utf-8")

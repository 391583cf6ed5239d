"""SOAP headers of OCPP messages: ``chargeBoxIdentity`` and WS-Addressing, read tolerantly and answered correctly.

Stations use WS-Addressing 1.0 (2005/08) or the older submission namespace (2004/08), sometimes none at all, with
``mustUnderstand`` flags, numeric or ``uuid:`` MessageIDs and FaultTo blocks. Headers are matched by local name
in any WS-Addressing namespace; ``chargeBoxIdentity`` by local name in any namespace, since stations get the
namespace wrong where the meaning is plain. Answers use the namespace the station used (2005/08 by default).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from lxml import etree

WSA_NS = "http://www.w3.org/2005/08/addressing"
WSA_2004_NS = "http://schemas.xmlsoap.org/ws/2004/08/addressing"
WSA_NAMESPACES = frozenset({WSA_NS, WSA_2004_NS, "http://www.w3.org/2005/03/addressing"})
ANONYMOUS = frozenset(
    {
        f"{WSA_NS}/anonymous",
        f"{WSA_NS}/none",
        f"{WSA_2004_NS}/role/anonymous",
        "http://www.w3.org/2005/03/addressing/role/anonymous",
    }
)
FAULT_ACTION = f"{WSA_NS}/soap/fault"


@dataclass(frozen=True)
class RequestHeaders:
    charge_box_identity: str | None = None
    wsa_namespace: str | None = None
    action: str | None = None
    message_id: str | None = None
    to: str | None = None
    from_address: str | None = None
    reply_to: str | None = None


def _text(element: etree._Element) -> str | None:
    text = (element.text or "").strip()
    return text or None


def _address(element: etree._Element) -> str | None:
    for child in element:
        if isinstance(child.tag, str) and etree.QName(child).localname == "Address":
            return _text(child)
    return None


def read_headers(blocks: list[etree._Element]) -> RequestHeaders:
    values: dict[str, str | None] = {}
    wsa_namespace = None
    for block in blocks:
        qname = etree.QName(block)
        if qname.localname == "chargeBoxIdentity":
            values.setdefault("charge_box_identity", _text(block))
        elif qname.namespace in WSA_NAMESPACES:
            wsa_namespace = wsa_namespace or qname.namespace
            name = qname.localname
            if name == "Action":
                values.setdefault("action", _text(block))
            elif name == "MessageID":
                values.setdefault("message_id", _text(block))
            elif name == "To":
                values.setdefault("to", _text(block))
            elif name == "From":
                values.setdefault("from_address", _address(block))
            elif name == "ReplyTo":
                values.setdefault("reply_to", _address(block))
    return RequestHeaders(wsa_namespace=wsa_namespace, **values)


def callback_address(headers: RequestHeaders) -> tuple[str | None, str | None]:
    """The station's ChargePointService URL from ``From`` (else ``ReplyTo``), or None and the reason why not."""
    problems = []
    for name, candidate in (("From", headers.from_address), ("ReplyTo", headers.reply_to)):
        if candidate is None:
            problems.append(f"no wsa:{name} address")
            continue
        problem = address_problem(candidate)
        if problem is None:
            return candidate, None
        problems.append(f"wsa:{name} {problem}")
    return None, "; ".join(problems)


def address_problem(address: str) -> str | None:
    if address in ANONYMOUS or address.endswith("/anonymous"):
        return "is the anonymous address"
    try:
        parts = urlsplit(address)
        host = parts.hostname
    except ValueError:
        return f"{address!r} is not a URL"
    if parts.scheme not in {"http", "https"}:
        return f"{address!r} is not an http(s) URL"
    if not host:
        return f"{address!r} has no host"
    return None


MessageIds = Callable[[], str]
"""Where the MessageIDs of our answers come from (a fixed sequence in tests that compare exact bytes)."""


def new_message_id() -> str:
    return f"urn:uuid:{uuid.uuid4()}"


def add_response_headers(
    header: etree._Element, request: RequestHeaders, action: str, message_ids: MessageIds = new_message_id
) -> None:
    """Append wsa:Action, wsa:MessageID, wsa:RelatesTo (when the request had a MessageID) and wsa:To."""
    ns = request.wsa_namespace or WSA_NS
    anonymous = f"{ns}/anonymous" if ns != WSA_2004_NS else f"{WSA_2004_NS}/role/anonymous"
    etree.SubElement(header, f"{{{ns}}}Action").text = action
    etree.SubElement(header, f"{{{ns}}}MessageID").text = message_ids()
    if request.message_id:
        etree.SubElement(header, f"{{{ns}}}RelatesTo").text = request.message_id
    to = request.reply_to if request.reply_to and address_problem(request.reply_to) is None else anonymous
    etree.SubElement(header, f"{{{ns}}}To").text = to

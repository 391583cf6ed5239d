"""What goes back for a SOAP request: an answer or a fault, in the request's SOAP version, with WS-Addressing.

Both ends that serve SOAP requests build their replies here: the central system (``inbound``) and the simulated
stations (``simulator``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .addressing import FAULT_ACTION, WSA_NS, MessageIds, RequestHeaders, add_response_headers, new_message_id
from .bodies import BodyCodec, Operation
from .envelope import SoapVersion, new_envelope, to_bytes
from .faults import SoapFault

_REASONS = {
    200: "OK", 400: "Bad Request", 411: "Length Required", 413: "Payload Too Large", 500: "Internal Server Error",
}


@dataclass
class Reply:
    status: int
    body: bytes
    content_type: str
    operation: str | None
    charge_box_id: str | None
    message_id: str | None
    fault: SoapFault | None = None
    logged: bool = False
    """Already in the message log (written with the request's effects)."""
    replayed: bool = False
    """The stored answer to an earlier copy of this request (a resend), not a new one."""

    @property
    def outcome(self) -> str:
        if self.replayed:
            return "resent"
        if self.fault is None:
            return "ok"
        return "sender-fault" if self.fault.is_sender else "receiver-fault"

    @property
    def status_line(self) -> str:
        return f"{self.status} {_REASONS.get(self.status, 'Error')}"


def answer_reply(
    version: SoapVersion, headers: RequestHeaders, codec: BodyCodec, operation: Operation, response: Any,
    message_ids: MessageIds = new_message_id,
) -> Reply:
    """The answer to ``operation``: ``response`` (an instance of its response type) with ``/OpResponse``."""
    envelope, header, body = new_envelope(version, {"wsa": headers.wsa_namespace or WSA_NS, "cs": codec.service.namespace})
    codec.write(operation, response, body)
    action = f"/{operation.name}Response"
    add_response_headers(header, headers, action, message_ids)
    return Reply(
        200, to_bytes(envelope), version.content_type(action), operation.name, headers.charge_box_identity,
        headers.message_id,
    )


def fault_reply(
    version: SoapVersion, fault: SoapFault, headers: RequestHeaders | None = None, operation: str | None = None,
    message_ids: MessageIds = new_message_id,
) -> Reply:
    headers = headers or RequestHeaders()
    envelope, header, body = new_envelope(version, {"wsa": headers.wsa_namespace or WSA_NS})
    add_response_headers(header, headers, FAULT_ACTION, message_ids)
    body.append(fault.to_element(version))
    return Reply(
        fault.status_for(version), to_bytes(envelope), version.content_type(FAULT_ACTION), operation,
        headers.charge_box_identity, headers.message_id, fault,
    )

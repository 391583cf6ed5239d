"""SOAP faults: the one place where errors become faults (Sender for the station's mistakes, Receiver for ours)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lxml import etree

from ..domain.errors import DomainError

if TYPE_CHECKING:
    from .envelope import SoapVersion

XML_NS = "http://www.w3.org/XML/1998/namespace"


class SoapFault(Exception):
    """An error to answer with a SOAP Fault.

    ``version`` is set when the fault is raised before the request's SOAP version is known for sure
    (the endpoint falls back to a guess from the Content-Type).
    """

    def __init__(
        self, sender: bool, reason: str, *, subcode: str | None = None, version: SoapVersion | None = None,
        http_status: int | None = None,
    ) -> None:
        super().__init__(reason)
        self.is_sender = sender
        self.reason = reason
        self.subcode = subcode
        self.version = version
        self.http_status = http_status

    @classmethod
    def sender(cls, reason: str, **kwargs: object) -> SoapFault:
        return cls(True, reason, **kwargs)  # type: ignore[arg-type]

    @classmethod
    def receiver(cls, reason: str, **kwargs: object) -> SoapFault:
        return cls(False, reason, **kwargs)  # type: ignore[arg-type]

    def status_for(self, version: SoapVersion) -> int:
        if self.http_status is not None:
            return self.http_status
        # SOAP 1.2's HTTP binding answers a Sender fault with 400; SOAP 1.1 uses 500 for every fault.
        if self.is_sender and version.name == "1.2":
            return 400
        return 500

    def to_element(self, version: SoapVersion) -> etree._Element:
        ns = version.envelope_ns
        code = version.sender_code if self.is_sender else version.receiver_code
        fault = etree.Element(f"{{{ns}}}Fault")
        if version.name == "1.1":
            etree.SubElement(fault, "faultcode").text = f"soap:{code}"
            etree.SubElement(fault, "faultstring").text = self.reason
            return fault
        code_el = etree.SubElement(fault, f"{{{ns}}}Code")
        etree.SubElement(code_el, f"{{{ns}}}Value").text = f"soap:{code}"
        if self.subcode:
            sub = etree.SubElement(code_el, f"{{{ns}}}Subcode")
            etree.SubElement(sub, f"{{{ns}}}Value").text = self.subcode
        reason = etree.SubElement(fault, f"{{{ns}}}Reason")
        text = etree.SubElement(reason, f"{{{ns}}}Text")
        text.set(f"{{{XML_NS}}}lang", "en")
        text.text = self.reason
        return fault


def fault_from_domain_error(error: DomainError) -> SoapFault:
    """Every domain error is something the station sent or asked for: a Sender fault naming it."""
    return SoapFault.sender(str(error), subcode=type(error).__name__)


def internal_fault() -> SoapFault:
    """What a station is told when something on our side failed; the details go to our log, not to the station."""
    return SoapFault.receiver("the central system could not process the request; please retry later")


def storage_unavailable_fault() -> SoapFault:
    """The database did not answer. Usually nothing was stored, but a connection lost during COMMIT leaves that
    unknown: so the station is told to resend, and a resend with the same MessageID is never stored twice."""
    return SoapFault.receiver(
        "the central system cannot store this request now (its database does not answer); please send it again "
        "later, with the same MessageID",
        subcode="StorageUnavailable",
    )

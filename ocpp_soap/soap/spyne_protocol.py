"""The Spyne protocol our add-ons read and write message bodies with.

Spyne does the (soft) schema validation; this subclass makes its answers useful to a station's engineer
(faults name the element path, e.g. ``bootNotificationRequest/chargePointModel``) and reads timestamps the
way stations really write them. Envelopes are handled by :mod:`ocpp_soap.soap.envelope`, not by Spyne.
"""

from __future__ import annotations

from typing import Any

from lxml import etree
from spyne.model import Fault
from spyne.model.primitive import DateTime
from spyne.protocol.soap import Soap12

from .timestamps import InvalidTimestamp, format_timestamp, parse_timestamp


class OcppBodyProtocol(Soap12):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("validator", "soft")
        kwargs.setdefault("cleanup_namespaces", False)
        super().__init__(*args, **kwargs)
        self._from_unicode_handlers[DateTime] = _datetime_from_text
        self._to_unicode_handlers[DateTime] = lambda cls, value, *a, **k: format_timestamp(value)

    def from_element(self, ctx: Any, cls: Any, element: etree._Element) -> Any:
        try:
            return super().from_element(ctx, cls, element)
        except Fault as fault:
            _prefix_path(fault, element)
            raise
        except (ValueError, TypeError, OverflowError) as exc:
            fault = Fault("Client.ValidationError", f"{exc}")
            _prefix_path(fault, element)
            raise fault from None


def _datetime_from_text(cls: Any, text: str) -> Any:
    try:
        return parse_timestamp(text)
    except InvalidTimestamp as exc:
        raise Fault("Client.ValidationError", str(exc)) from None


def _prefix_path(fault: Fault, element: etree._Element) -> None:
    """Build ``a/b/c: reason`` as the fault travels up from the element that failed."""
    name = etree.QName(element).localname if isinstance(element.tag, str) else "?"
    path = getattr(fault, "ocpp_path", None)
    reason = getattr(fault, "ocpp_reason", None) or _plain_reason(fault.faultstring)
    fault.ocpp_path = f"{name}/{path}" if path else name
    fault.ocpp_reason = reason
    fault.faultstring = f"{fault.ocpp_path}: {reason}"


def _plain_reason(text: Any) -> str:
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    text = str(text)
    if text.endswith("member does not respect frequency constraints."):
        member = text.split(" ")[0].strip("'\"")
        return f"element {member} is missing or occurs too often"
    return text

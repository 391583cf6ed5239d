"""The Spyne protocol every version's services read and write message bodies with.

Spyne does the (soft) schema validation; this subclass makes its answers useful to a station's engineer
(faults name the element path, e.g. ``bootNotificationRequest/chargePointModel``, and what is wrong with it:
the allowed values, the length limit, a missing element) and reads timestamps the way stations really write
them, and reads and writes decimals as ``xs:decimal`` with the type's fraction digits (1.6's ``DecimalOne``).
Envelopes are handled by :mod:`ocpp_soap.soap.envelope`, not by Spyne.
"""

from __future__ import annotations

import decimal
import re
from typing import Any

from lxml import etree
from spyne.model import ComplexModelBase, Fault, XmlAttribute
from spyne.model.primitive import DateTime, Decimal
from spyne.protocol.soap import Soap12

from ..timestamps import InvalidTimestamp, format_timestamp, parse_timestamp

XSI_NIL = "{http://www.w3.org/2001/XMLSchema-instance}nil"
SHOWN = 40
"""How many characters of a refused value a fault repeats."""


class OcppBodyProtocol(Soap12):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("validator", "soft")
        kwargs.setdefault("cleanup_namespaces", False)
        super().__init__(*args, **kwargs)
        self._from_unicode_handlers[DateTime] = _datetime_from_text
        self._to_unicode_handlers[DateTime] = lambda cls, value, *a, **k: format_timestamp(value)
        self._from_unicode_handlers[Decimal] = self._decimal_from_text
        self._to_unicode_handlers[Decimal] = self._decimal_to_text
        self._cls_attrs: dict[Any, Any] = {}

    def get_cls_attrs(self, cls: Any) -> Any:
        # Spyne asks this for every element it reads or writes (34 times for a small MeterValues); its own cache
        # is a WeakKeyDictionary measured with len() for a debug line on each call. The model classes live as long
        # as the application, so a plain dict in front of it is exact and several times cheaper.
        attrs = self._cls_attrs.get(cls)
        if attrs is None:
            attrs = self._cls_attrs[cls] = super().get_cls_attrs(cls)
        return attrs

    def from_element(self, ctx: Any, cls: Any, element: etree._Element) -> Any:
        try:
            complex_type = isinstance(cls, type) and issubclass(cls, ComplexModelBase)
            nil = element.get(XSI_NIL)
            if nil is not None and nil.strip() in ("false", "0", ""):
                # Spyne takes any non-empty xsi:nil for true: xsi:nil="false" made the whole request None.
                del element.attrib[XSI_NIL]
            elif nil is not None and nil.strip() not in ("true", "1"):
                raise Fault("Client.ValidationError", f"xsi:nil must be true or false, not {_show(nil)}")
            elif nil is not None:
                # No OCPP element is nillable; on an optional simple element the meaning is still plain: absent.
                if not complex_type and self.get_cls_attrs(cls).min_occurs == 0:
                    return None
                raise Fault("Client.ValidationError", "the element must have a value (xsi:nil is not allowed)")
            if complex_type:
                if element.attrib:
                    self._check_attributes(cls, element)
                _drop_member_attributes_of_children(cls, element)
            return super().from_element(ctx, cls, element)
        except Fault as fault:
            if getattr(fault, "ocpp_path", None) is None:  # raised here, not by a child: say what is wrong
                fault.ocpp_reason = self._explain(cls, element, _text(fault.faultstring))
            _prefix_path(fault, element)
            raise
        except (ValueError, TypeError, OverflowError) as exc:
            refused = Fault("Client.ValidationError", _shorten(str(exc), element.text))
            _prefix_path(refused, element)
            raise refused from None

    def _decimal_from_text(self, cls: Any, text: str) -> decimal.Decimal:
        """An ``xs:decimal``: digits with an optional sign and point, nothing else (Spyne's own reader took
        ``1E+1`` and ``NaN``, whose comparison then escaped as an ArithmeticError), and no more fraction digits than
        the type allows (trailing zeros do not count, as in the schema's value space)."""
        if _DECIMAL.fullmatch(text) is None:
            raise Fault("Client.ValidationError", f"{_show(text)} is not a decimal number (digits, an optional sign "
                                                  "and decimal point; no exponent, NaN or infinity)")
        value = decimal.Decimal(text.strip())
        allowed = _fraction_digits(self.get_cls_attrs(cls))
        if allowed is not None and _fraction_digits_of(value) > allowed:
            raise Fault("Client.ValidationError",
                        f"{_show(text)} has more than {allowed} fraction digit{'s' if allowed != 1 else ''}")
        return value

    def _decimal_to_text(self, cls: Any, value: Any, *args: Any, **kwargs: Any) -> str:
        """An ``xs:decimal`` as the schema reads it: plain digits (never ``1E+1``), cut to the type's fraction
        digits toward zero, so that a written limit never exceeds the value it was given."""
        number = value if isinstance(value, decimal.Decimal) else decimal.Decimal(str(value))
        if not number.is_finite():
            raise ValueError(f"{number} cannot be written as an xs:decimal")
        allowed = _fraction_digits(self.get_cls_attrs(cls))
        if allowed is not None:
            number = number.quantize(decimal.Decimal(1).scaleb(-allowed), rounding=decimal.ROUND_DOWN)
        return format(number, "f")

    def _check_attributes(self, cls: Any, element: etree._Element) -> None:
        """Spyne reads XML attributes without validating them (a meter value's ``unit="parsec"`` would reach the
        domain); check each declared attribute against its type's facets as elements are checked."""
        members = cls.get_flat_type_info(cls)
        for name, value in element.attrib.items():
            member = None if "}" in name else members.get(name)
            if member is None or not issubclass(member, XmlAttribute):
                continue
            simple = member.type
            try:
                valid = simple.validate_string(simple, value) and simple.validate_native(
                    simple, self.from_unicode(simple, value)
                )
            except (Fault, ValueError, TypeError):
                valid = False
            if not valid:
                problem = _value_problem(self.get_cls_attrs(simple), simple, value, has_children=False)
                raise Fault("Client.ValidationError", f"attribute {name}: {problem}")

    def _explain(self, cls: Any, element: etree._Element, reason: str) -> str:
        if reason.endswith("member does not respect frequency constraints."):
            return _occurrence_problem(self, cls, element, reason.split(" ")[0].strip("'\""))
        if reason.endswith("could not be validated."):
            return _value_problem(self.get_cls_attrs(cls), cls, element.text or "", has_children=len(element) > 0)
        return _shorten(reason, element.text)


def _drop_member_attributes_of_children(cls: Any, element: etree._Element) -> None:
    """Ignore attributes of child elements named like a member of ``cls`` (``<connectorId values="">``).

    Spyne reads each child's attributes as members of the parent (its ``attribute_of`` feature, which no OCPP
    type uses) and fails with an AttributeError on any member that is not an XML attribute: a station's stray
    attribute became a Receiver fault. An unknown attribute is otherwise ignored, so these are too.
    """
    members = cls.get_flat_type_info(cls)
    for child in element:
        if not isinstance(child.tag, str) or not child.attrib:
            continue
        for name in [name for name in child.attrib if "}" not in name and name in members]:
            del child.attrib[name]


_DECIMAL = re.compile(r"\s*[+-]?(\d+(\.\d*)?|\.\d+)\s*")


def _fraction_digits(attrs: Any) -> int | None:
    """The fraction digits a decimal type allows; None when it sets no limit (Spyne's default is infinity)."""
    digits = getattr(attrs, "fraction_digits", None)
    return int(digits) if isinstance(digits, int) or (isinstance(digits, float) and digits.is_integer()) else None


def _fraction_digits_of(value: decimal.Decimal) -> int:
    exponent = value.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def _datetime_from_text(cls: Any, text: str) -> Any:
    try:
        return parse_timestamp(text)
    except InvalidTimestamp as exc:
        raise Fault("Client.ValidationError", str(exc)) from None


def _value_problem(attrs: Any, cls: Any, value: str, *, has_children: bool) -> str:
    if has_children:
        return "the element must hold a value, not child elements"
    if not value.strip():
        return "the element is empty; it must hold a value"
    shown = _show(value)
    values = getattr(attrs, "values", None)
    if values and value not in values:
        return f"{shown} is not one of the allowed values: {', '.join(sorted(str(v) for v in values))}"
    max_len = getattr(attrs, "max_len", None)
    if isinstance(max_len, int) and len(value) > max_len:
        return f"{shown} is {len(value)} characters long; at most {max_len} are allowed"
    min_len = getattr(attrs, "min_len", None)
    if isinstance(min_len, int) and len(value) < min_len:
        return f"{shown} is {len(value)} characters long; at least {min_len} are required"
    name = cls.get_type_name()
    if isinstance(cls, type) and issubclass(cls, Decimal):
        return f"{shown} is out of range for {name}"
    return f"{shown} is not a valid {name}"


def _occurrence_problem(protocol: OcppBodyProtocol, cls: Any, element: etree._Element, member: str) -> str:
    count = sum(1 for child in element if isinstance(child.tag, str) and etree.QName(child).localname == member)
    child_cls = cls.get_flat_type_info(cls).get(member) if issubclass(cls, ComplexModelBase) else None
    if child_cls is None:
        return f"element {member} is missing or occurs too often"
    attrs = protocol.get_cls_attrs(child_cls)
    if count < attrs.min_occurs:
        if count == 0:
            return f"required element {member} is missing"
        return f"element {member} occurs {count} times; at least {attrs.min_occurs} are required"
    return f"element {member} occurs {count} times; at most {attrs.max_occurs} allowed"


def _prefix_path(fault: Fault, element: etree._Element) -> None:
    """Build ``a/b/c: reason`` as the fault travels up from the element that failed."""
    name = etree.QName(element).localname if isinstance(element.tag, str) else "?"
    path = getattr(fault, "ocpp_path", None)
    reason = getattr(fault, "ocpp_reason", None) or _text(fault.faultstring)
    fault.ocpp_path = f"{name}/{path}" if path else name
    fault.ocpp_reason = reason
    fault.faultstring = f"{fault.ocpp_path}: {reason}"


def _show(value: str) -> str:
    return repr(value if len(value) <= SHOWN else value[:SHOWN] + "...")


def _shorten(reason: str, value: str | None) -> str:
    """A reason that quotes a long refused value quotes only its start."""
    if value and len(value) > SHOWN:
        reason = reason.replace(repr(value), _show(value)).replace(value, value[:SHOWN] + "...")
    return reason


def _text(value: Any) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)

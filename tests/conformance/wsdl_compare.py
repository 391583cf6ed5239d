"""Describe a WSDL 1.1 document as plain data (operations, actions, body and header elements, schema structure)
so that two documents can be compared for wire equivalence regardless of prefixes, order of declarations or
whether a type is named or anonymous."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from lxml import etree

WSDL = "http://schemas.xmlsoap.org/wsdl/"
SOAP12 = "http://schemas.xmlsoap.org/wsdl/soap12/"
XS = "http://www.w3.org/2001/XMLSchema"
WSAW = "http://www.w3.org/2006/05/addressing/wsdl"
NS = {"wsdl": WSDL, "soap12": SOAP12, "xs": XS, "wsaw": WSAW}


def _qname(element: etree._Element, value: str) -> tuple[str, str]:
    prefix, _, local = value.rpartition(":")
    return element.nsmap.get(prefix or None, ""), local


class WsdlModel:
    def __init__(self, source: Path | bytes) -> None:
        self.root = etree.parse(str(source)).getroot() if isinstance(source, Path) else etree.fromstring(source)
        self.schema = self.root.find("wsdl:types/xs:schema", NS)
        assert self.schema is not None
        self.tns = self.schema.get("targetNamespace")
        self.types = {t.get("name"): t for t in self.schema if t.tag in (f"{{{XS}}}complexType", f"{{{XS}}}simpleType")}
        self.elements = {e.get("name"): e for e in self.schema.findall("xs:element", NS)}

    # -- operations -----------------------------------------------------------------------------------------

    def messages(self) -> dict[str, list[tuple[str, tuple[str, str]]]]:
        result = {}
        for message in self.root.findall("wsdl:message", NS):
            result[message.get("name")] = [(p.get("name"), _qname(p, p.get("element"))) for p in message.findall("wsdl:part", NS)]
        return result

    def operations(self) -> dict[str, dict[str, Any]]:
        messages = self.messages()
        port_type = self.root.find("wsdl:portType", NS)
        binding = self.root.find("wsdl:binding", NS)
        result: dict[str, dict[str, Any]] = {}
        for op in port_type.findall("wsdl:operation", NS):
            name = op.get("name")
            inp, out = op.find("wsdl:input", NS), op.find("wsdl:output", NS)
            b_op = binding.find(f"wsdl:operation[@name='{name}']", NS)
            header = b_op.find("wsdl:input/soap12:header", NS)
            header_message = messages[_qname(header, header.get("message"))[1]]
            header_part = dict(header_message)[header.get("part")]
            result[name] = {
                "input_element": messages[_qname(inp, inp.get("message"))[1]][0][1],
                "output_element": messages[_qname(out, out.get("message"))[1]][0][1],
                "input_action": inp.get(f"{{{WSAW}}}Action"),
                "output_action": out.get(f"{{{WSAW}}}Action"),
                "soap_action": b_op.find("soap12:operation", NS).get("soapAction"),
                "style": b_op.find("soap12:operation", NS).get("style") or binding.find("soap12:binding", NS).get("style") or "document",
                "input_body_use": b_op.find("wsdl:input/soap12:body", NS).get("use"),
                "output_body_use": b_op.find("wsdl:output/soap12:body", NS).get("use"),
                "header": (header.get("part"), header_part, header.get("use")),
                "output_headers": len(b_op.findall("wsdl:output/soap12:header", NS)),
            }
        return result

    def binding_info(self) -> dict[str, Any]:
        binding = self.root.find("wsdl:binding", NS)
        port = self.root.find("wsdl:service/wsdl:port", NS)
        return {
            "port_type": self.root.find("wsdl:portType", NS).get("name"),
            "binding": binding.get("name"),
            "transport": binding.find("soap12:binding", NS).get("transport"),
            "uses_addressing": bool(self.root.findall(".//wsaw:UsingAddressing", NS)),
            "service": self.root.find("wsdl:service", NS).get("name"),
            "port": port.get("name"),
        }

    # -- schema structure ----------------------------------------------------------------------------------

    def element_structure(self, name: str) -> Any:
        element = self.elements[name]
        return self._describe_type_ref(element, element.get("type"))

    def named_simple_types(self) -> set[str]:
        return {n for n, t in self.types.items() if t.tag == f"{{{XS}}}simpleType"}

    def _describe_type_ref(self, where: etree._Element, type_name: str | None) -> Any:
        if type_name is None:
            inline = where.find("xs:complexType", NS)
            if inline is None:
                inline = where.find("xs:simpleType", NS)
            return self._describe(inline) if inline is not None else ("builtin", "anyType")
        ns, local = _qname(where, type_name)
        if ns == XS:
            return ("builtin", local)
        return self._describe(self.types[local])

    def _describe(self, node: etree._Element) -> Any:
        if node.tag == f"{{{XS}}}simpleType":
            restriction = node.find("xs:restriction", NS)
            base = self._describe_type_ref(restriction, restriction.get("base"))
            enums = tuple(e.get("value") for e in restriction.findall("xs:enumeration", NS))
            facets = tuple(sorted((f.tag.split("}")[1], f.get("value")) for f in restriction if f.tag != f"{{{XS}}}enumeration" and isinstance(f.tag, str) and "annotation" not in f.tag))
            return ("simple", base, enums, facets)
        simple_content = node.find("xs:simpleContent/xs:extension", NS)
        if simple_content is not None:
            attrs = tuple(
                sorted(
                    (a.get("name"), a.get("use", "optional"), self._describe_type_ref(a, a.get("type")))
                    for a in simple_content.findall("xs:attribute", NS)
                )
            )
            return ("simpleContent", self._describe_type_ref(simple_content, simple_content.get("base")), attrs)
        sequence = node.find("xs:sequence", NS)
        children = []
        for child in (sequence if sequence is not None else []):
            if child.tag != f"{{{XS}}}element":
                continue
            children.append(
                (
                    child.get("name"),
                    child.get("minOccurs", "1"),
                    child.get("maxOccurs", "1"),
                    child.get("nillable", "false"),
                    self._describe_type_ref(child, child.get("type")),
                )
            )
        return ("complex", tuple(children))

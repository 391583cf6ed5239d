"""Test helpers: raw SOAP envelopes as stations write them, and a small HTTP poster."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import requests
from lxml import etree

SOAP12 = "http://www.w3.org/2003/05/soap-envelope"
SOAP11 = "http://schemas.xmlsoap.org/soap/envelope/"
WSA = "http://www.w3.org/2005/08/addressing"
CS15 = "urn://Ocpp/Cs/2012/06/"
CS12 = "urn://Ocpp/Cs/2010/08/"
CS16 = "urn://Ocpp/Cs/2015/10/"


def envelope(
    body: str,
    *,
    charge_box: str | None = "CB1",
    action: str | None = None,
    message_id: str | None = "auto",
    from_address: str | None = "http://192.0.2.10:8080/ChargePointService",
    soap: str = SOAP12,
    ns: str = CS15,
    extra_headers: str = "",
) -> bytes:
    headers = []
    if charge_box is not None:
        headers.append(f"<cs:chargeBoxIdentity>{charge_box}</cs:chargeBoxIdentity>")
    if action:
        headers.append(f'<wsa:Action soap:mustUnderstand="true">{action}</wsa:Action>')
    if message_id:
        mid = f"urn:uuid:{uuid.uuid4()}" if message_id == "auto" else message_id
        headers.append(f"<wsa:MessageID>{mid}</wsa:MessageID>")
    if from_address:
        headers.append(f"<wsa:From><wsa:Address>{from_address}</wsa:Address></wsa:From>")
    headers.append(extra_headers)
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>'
        f'<soap:Envelope xmlns:soap="{soap}" xmlns:wsa="{WSA}" xmlns:cs="{ns}">'
        f"<soap:Header>{''.join(headers)}</soap:Header>"
        f"<soap:Body>{body}</soap:Body></soap:Envelope>"
    ).encode()


@dataclass
class Answer:
    status: int
    content_type: str
    xml: etree._Element | None
    text: str

    def find(self, path: str) -> etree._Element | None:
        assert self.xml is not None, self.text
        return self.xml.find(path, NAMESPACES)

    def findtext(self, path: str) -> str | None:
        assert self.xml is not None, self.text
        return self.xml.findtext(path, namespaces=NAMESPACES)

    @property
    def fault_reason(self) -> str:
        text = self.findtext(".//s12:Reason/s12:Text") or self.findtext(".//faultstring")
        assert text is not None, self.text
        return text

    @property
    def fault_code(self) -> str:
        code = self.findtext(".//s12:Code/s12:Value") or self.findtext(".//faultcode")
        assert code is not None, self.text
        return code


NAMESPACES = {"s12": SOAP12, "s11": SOAP11, "wsa": WSA, "cs": CS15, "cs12": CS12, "cs16": CS16}


def post(url: str, data: bytes, content_type: str = "application/soap+xml; charset=utf-8", timeout: float = 10) -> Answer:
    response = requests.post(url, data=data, headers={"Content-Type": content_type}, timeout=timeout)
    try:
        xml = etree.fromstring(response.content)
    except etree.XMLSyntaxError:
        xml = None
    return Answer(response.status_code, response.headers.get("Content-Type", ""), xml, response.text)

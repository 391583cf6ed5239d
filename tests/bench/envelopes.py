"""The OCPP 1.5 SOAP 1.2 requests simulated stations send, and the answers the bare ceiling handler writes.

Requests carry what real stations send: ``chargeBoxIdentity``, WS-Addressing Action, a unique MessageID, From
(the station's ChargePointService address) and To. Built by string formatting: the load generator must cost
as little as possible per request.
"""

from __future__ import annotations

import itertools
import os
import re

PATH = "/services/centralSystemServiceOcpp15"
NS = "urn://Ocpp/Cs/2012/06/"
TRANSACTION_ID = re.compile(rb"transactionId>(\d+)</")
METER_VALUES_PER_MESSAGE = 2  # sampled values in one MeterValues request: energy register and power

_REQUEST = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:a="http://www.w3.org/2005/08/addressing" '
    f'xmlns:c="{NS}"><s:Header><c:chargeBoxIdentity>{{cb}}</c:chargeBoxIdentity>'
    "<a:Action>/{op}</a:Action><a:MessageID>{mid}</a:MessageID>"
    "<a:From><a:Address>http://10.20.0.1:8081/ChargePointService/{cb}</a:Address></a:From>"
    "<a:To>http://127.0.0.1" + PATH + "</a:To></s:Header><s:Body>{body}</s:Body></s:Envelope>"
)
_PREFIX = f"urn:uuid:{os.getpid():08x}-bench-"
_SEQUENCE = itertools.count(1)


def message_id() -> str:
    """Unique per request across generator processes (the pid is in it), cheaper than uuid4."""
    return f"{_PREFIX}{next(_SEQUENCE)}"


def request(op: str, station: str, body: str) -> tuple[str, bytes]:
    """(MessageID, envelope bytes) for one request of operation ``op``."""
    mid = message_id()
    return mid, _REQUEST.format(cb=station, op=op, mid=mid, body=body).encode()


def boot() -> str:
    return (
        "<c:bootNotificationRequest><c:chargePointVendor>BenchCharging</c:chargePointVendor>"
        "<c:chargePointModel>Wallbox22</c:chargePointModel><c:chargePointSerialNumber>WB22-1</c:chargePointSerialNumber>"
        "<c:firmwareVersion>3.4.12</c:firmwareVersion><c:meterType>EEM-350</c:meterType></c:bootNotificationRequest>"
    )


def heartbeat() -> str:
    return "<c:heartbeatRequest/>"


def status(connector: int, state: str, when: str) -> str:
    return (
        f"<c:statusNotificationRequest><c:connectorId>{connector}</c:connectorId><c:status>{state}</c:status>"
        f"<c:errorCode>NoError</c:errorCode><c:timestamp>{when}</c:timestamp></c:statusNotificationRequest>"
    )


def authorize(tag: str) -> str:
    return f"<c:authorizeRequest><c:idTag>{tag}</c:idTag></c:authorizeRequest>"


def start(connector: int, tag: str, when: str, meter: int) -> str:
    return (
        f"<c:startTransactionRequest><c:connectorId>{connector}</c:connectorId><c:idTag>{tag}</c:idTag>"
        f"<c:timestamp>{when}</c:timestamp><c:meterStart>{meter}</c:meterStart></c:startTransactionRequest>"
    )


def meter_values(connector: int, transaction_id: int, when: str, energy: int, power: int) -> str:
    return (
        f"<c:meterValuesRequest><c:connectorId>{connector}</c:connectorId><c:transactionId>{transaction_id}"
        f"</c:transactionId><c:values><c:timestamp>{when}</c:timestamp>"
        f'<c:value context="Sample.Periodic" measurand="Energy.Active.Import.Register" unit="Wh">{energy}</c:value>'
        f'<c:value context="Sample.Periodic" measurand="Power.Active.Import" unit="W">{power}</c:value>'
        "</c:values></c:meterValuesRequest>"
    )


def stop(transaction_id: int, tag: str, when: str, meter: int) -> str:
    return (
        f"<c:stopTransactionRequest><c:transactionId>{transaction_id}</c:transactionId><c:idTag>{tag}</c:idTag>"
        f"<c:timestamp>{when}</c:timestamp><c:meterStop>{meter}</c:meterStop></c:stopTransactionRequest>"
    )


# -- the answers, for the bare handler: the gateway's answers with the variable parts left open ------------------

_RESPONSE = (
    "<?xml version='1.0' encoding='utf-8'?>\n"
    '<soap:Envelope xmlns:soap="http://www.w3.org/2003/05/soap-envelope" '
    f'xmlns:wsa="http://www.w3.org/2005/08/addressing" xmlns:cs="{NS}"><soap:Header>'
    "<wsa:Action>/{op}Response</wsa:Action><wsa:MessageID>urn:uuid:{own}</wsa:MessageID>"
    "<wsa:RelatesTo>{relates}</wsa:RelatesTo><wsa:To>http://www.w3.org/2005/08/addressing/anonymous</wsa:To>"
    "</soap:Header><soap:Body>{body}</soap:Body></soap:Envelope>"
)
_ACCEPTED = "<cs:idTagInfo><cs:status>Accepted</cs:status></cs:idTagInfo>"
RESPONSE_BODIES = {
    "bootNotificationRequest": (
        "BootNotification",
        "<cs:bootNotificationResponse><cs:status>Accepted</cs:status><cs:currentTime>{now}</cs:currentTime>"
        "<cs:heartbeatInterval>900</cs:heartbeatInterval></cs:bootNotificationResponse>",
    ),
    "heartbeatRequest": (
        "Heartbeat", "<cs:heartbeatResponse><cs:currentTime>{now}</cs:currentTime></cs:heartbeatResponse>"
    ),
    "statusNotificationRequest": ("StatusNotification", "<cs:statusNotificationResponse/>"),
    "authorizeRequest": ("Authorize", f"<cs:authorizeResponse>{_ACCEPTED}</cs:authorizeResponse>"),
    "startTransactionRequest": (
        "StartTransaction",
        f"<cs:startTransactionResponse><cs:transactionId>{{tid}}</cs:transactionId>{_ACCEPTED}"
        "</cs:startTransactionResponse>",
    ),
    "meterValuesRequest": ("MeterValues", "<cs:meterValuesResponse/>"),
    "stopTransactionRequest": ("StopTransaction", f"<cs:stopTransactionResponse>{_ACCEPTED}</cs:stopTransactionResponse>"),
}
RESPONSES = {
    name: _RESPONSE.replace("{op}", op).replace("{body}", body) for name, (op, body) in RESPONSE_BODIES.items()
}
"""Body element local name → the answer template; ``{own}``, ``{relates}``, ``{now}`` and ``{tid}`` left open."""

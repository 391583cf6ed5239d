"""How simulated stations call their central system: one zeep client per OCPP version, shared by every station.

The client is built once from our generated central-system WSDL (``ocpp_soap/wsdl/ocpp1X_centralsystem.wsdl``) and
bound to the central system's URL; zeep adds wsa:Action, MessageID and To by itself (the WSDL declares
``wsaw:Action``), and every call adds ``chargeBoxIdentity`` and ``wsa:From`` (the station's own ChargePointService
URL, so that the central system can call it back) as raw header elements. Each call has a connect and an answer
timeout. :class:`StationLink` is one station's view of it and shapes each message for the version (1.2 has no
reservationId, no transactionData, no transactionId in MeterValues and integer meter readings).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import requests
import zeep
from lxml import etree
from requests.adapters import HTTPAdapter
from zeep.exceptions import Error as ZeepError
from zeep.transports import Transport

from ..domain.model import (
    AuthorizationStatus,
    ChargePointErrorCode,
    ConnectorStatus,
    DiagnosticsStatus,
    FirmwareStatus,
    Location,
    Measurand,
    UnitOfMeasure,
    ValueFormat,
)
from ..soap.addressing import WSA_NS
from ..soap.charge_point_wsdl import central_system_wsdl_path
from ..soap.registry import addon_for_version
from .link import BootReply, CentralSystemUnavailable, MeterSample, StartReply, StationProfile

logger = logging.getLogger(__name__)
CONNECT_TIMEOUT_S = 5.0


class CentralSystemClient:
    """The central system as every simulated station of one OCPP version sees it; safe to share across threads."""

    def __init__(self, version: str, central_url: str, *, timeout: float = 10.0, pool_size: int = 16) -> None:
        self.version = version
        self.central_url = central_url
        self.addon = addon_for_version(version)
        self._session = requests.Session()
        adapter = HTTPAdapter(pool_connections=4, pool_maxsize=max(1, pool_size))
        self._session.mount("http://", adapter)
        self._session.mount("https://", adapter)
        transport = Transport(
            session=self._session, timeout=timeout, operation_timeout=(min(CONNECT_TIMEOUT_S, timeout), timeout)
        )
        settings = zeep.Settings(xml_huge_tree=False, forbid_dtd=True, forbid_entities=True)
        client = zeep.Client(str(central_system_wsdl_path(version)), transport=transport, settings=settings)
        self._service = client.create_service(f"{{{self.addon.namespace}}}CentralSystemServiceSoap", central_url)

    def link(self, charge_box_id: str, own_url: str) -> StationLink:
        return StationLink(self, charge_box_id, own_url)

    def call(self, charge_box_id: str, own_url: str, operation: str, **fields: Any) -> Any:
        """Send one request; the answer as zeep gives it, or :class:`CentralSystemUnavailable`."""
        started = time.perf_counter()
        try:
            answer = getattr(self._service, operation)(**fields, _soapheaders=self._headers(charge_box_id, own_url))
        except zeep.exceptions.Fault as fault:
            raise CentralSystemUnavailable(f"{operation} was answered with a SOAP Fault: {fault.message}") from None
        except requests.RequestException as exc:
            raise CentralSystemUnavailable(f"{operation} could not reach {self.central_url}: {exc}") from None
        except (ZeepError, etree.XMLSyntaxError, ValueError, TypeError) as exc:
            raise CentralSystemUnavailable(f"{operation} failed: {type(exc).__name__}: {exc}") from None
        logger.debug("station=%s operation=%s duration_ms=%.1f", charge_box_id, operation,
                     (time.perf_counter() - started) * 1000)
        return answer

    def close(self) -> None:
        self._session.close()

    def _headers(self, charge_box_id: str, own_url: str) -> list[etree._Element]:
        """Fresh elements per call: zeep moves them into the envelope it builds."""
        identity = etree.Element(f"{{{self.addon.namespace}}}chargeBoxIdentity")
        identity.text = charge_box_id
        sender = etree.Element(f"{{{WSA_NS}}}From")
        etree.SubElement(sender, f"{{{WSA_NS}}}Address").text = own_url
        return [identity, sender]


class StationLink:
    """One station's messages to the central system, shaped for the client's OCPP version."""

    def __init__(self, client: CentralSystemClient, charge_box_id: str, own_url: str) -> None:
        self._client = client
        self.charge_box_id = charge_box_id
        self.own_url = own_url
        self._v15 = client.version != "1.2"

    def _call(self, operation: str, **fields: Any) -> Any:
        return self._client.call(self.charge_box_id, self.own_url, operation, **fields)

    def boot(self, profile: StationProfile, serial_number: str, firmware_version: str) -> BootReply:
        answer = self._call(
            "BootNotification",
            chargePointVendor=profile.vendor[:20],
            chargePointModel=profile.model[:20],
            chargePointSerialNumber=serial_number[:25],
            chargeBoxSerialNumber=serial_number[:25],
            firmwareVersion=firmware_version[:50],
            meterType=profile.meter_type[:25],
        )
        return BootReply(answer.status == "Accepted", answer.heartbeatInterval, answer.currentTime)

    def heartbeat(self) -> datetime | None:
        answer = self._call("Heartbeat")
        return _field(answer, "currentTime")  # type: ignore[no-any-return]

    def authorize(self, id_tag: str) -> AuthorizationStatus:
        info = _field(self._call("Authorize", idTag=id_tag), "idTagInfo")
        return AuthorizationStatus(info.status)

    def start_transaction(
        self, connector_id: int, id_tag: str, timestamp: datetime, meter_start: int, reservation_id: int | None
    ) -> StartReply:
        fields: dict[str, Any] = {
            "connectorId": connector_id, "idTag": id_tag, "timestamp": timestamp, "meterStart": meter_start,
        }
        if self._v15 and reservation_id is not None:
            fields["reservationId"] = reservation_id
        answer = self._call("StartTransaction", **fields)
        return StartReply(answer.transactionId, AuthorizationStatus(answer.idTagInfo.status))

    def stop_transaction(
        self, transaction_id: int, id_tag: str | None, timestamp: datetime, meter_stop: int,
        samples: Sequence[MeterSample],
    ) -> AuthorizationStatus | None:
        fields: dict[str, Any] = {
            "transactionId": transaction_id, "idTag": id_tag, "timestamp": timestamp, "meterStop": meter_stop,
        }
        if self._v15 and samples:
            fields["transactionData"] = [{"values": [self._meter_value(sample) for sample in samples]}]
        info = _field(self._call("StopTransaction", **fields), "idTagInfo")
        return None if info is None else AuthorizationStatus(info.status)

    def meter_values(self, connector_id: int, transaction_id: int | None, samples: Sequence[MeterSample]) -> None:
        fields: dict[str, Any] = {"connectorId": connector_id, "values": [self._meter_value(s) for s in samples]}
        if self._v15 and transaction_id is not None:
            fields["transactionId"] = transaction_id
        self._call("MeterValues", **fields)

    def status_notification(
        self, connector_id: int, status: ConnectorStatus, error_code: ChargePointErrorCode, timestamp: datetime
    ) -> None:
        fields: dict[str, Any] = {"connectorId": connector_id, "status": status.value, "errorCode": error_code.value}
        if self._v15:
            fields["timestamp"] = timestamp
        self._call("StatusNotification", **fields)

    def firmware_status(self, status: FirmwareStatus) -> None:
        self._call("FirmwareStatusNotification", status=status.value)

    def diagnostics_status(self, status: DiagnosticsStatus) -> None:
        self._call("DiagnosticsStatusNotification", status=status.value)

    def _meter_value(self, sample: MeterSample) -> dict[str, Any]:
        if not self._v15:  # 1.2: one integer per reading, no metadata
            return {"timestamp": sample.timestamp, "value": sample.energy_wh}
        values = [
            {
                "_value_1": str(sample.energy_wh),
                "context": sample.context.value,
                "format": ValueFormat.RAW.value,
                "measurand": Measurand.ENERGY_ACTIVE_IMPORT_REGISTER.value,
                "location": Location.OUTLET.value,
                "unit": UnitOfMeasure.WH.value,
            }
        ]
        if sample.power_w is not None:
            values.append(
                {
                    "_value_1": f"{sample.power_w:g}",
                    "context": sample.context.value,
                    "measurand": Measurand.POWER_ACTIVE_IMPORT.value,
                    "unit": UnitOfMeasure.W.value,
                }
            )
        return {"timestamp": sample.timestamp, "value": values}


def _field(answer: Any, name: str) -> Any:
    """zeep unwraps a response with a single field into that field's value; read it either way."""
    if answer is None:
        return None
    try:
        return answer[name]
    except (KeyError, TypeError, AttributeError, IndexError):
        return answer

"""How simulated stations call their central system: one zeep client per OCPP version, shared by every station.

The client is built once from our generated central-system WSDL (``ocpp_soap/wsdl/ocpp1X_centralsystem.wsdl``) and
bound to the central system's URL; zeep adds wsa:Action, MessageID and To by itself (the WSDL declares
``wsaw:Action``), and every call adds ``chargeBoxIdentity`` and ``wsa:From`` (the station's own ChargePointService
URL, so that the central system can call it back) as raw header elements. Each call has a connect and an answer
timeout. :class:`StationLink` is one station's view of it. Each message is shaped for the version by the version
itself: a field its message type lacks is left out (1.2 has no reservationId), and its edge writes meter readings.
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
    MeterReading,
    SampledValue,
    UnitOfMeasure,
    ValueFormat,
)
from ..soap.addressing import WSA_NS
from ..soap.edge import CENTRAL_SYSTEM, edge_for_number
from ..soap.wsdl import wsdl_path
from .link import BootReply, CentralSystemUnavailable, MeterSample, StartReply, StationProfile

logger = logging.getLogger(__name__)
CONNECT_TIMEOUT_S = 5.0


class CentralSystemClient:
    """The central system as every simulated station of one OCPP version sees it; safe to share across threads."""

    def __init__(self, version: str, central_url: str, *, timeout: float = 10.0, pool_size: int = 16) -> None:
        self.version = version
        self.central_url = central_url
        self.edge = edge_for_number(version)
        types = self.edge.central_system.types
        self._fields: dict[str, set[str]] = {
            operation: set(_request_fields(getattr(types, f"{operation}Request", None)))
            for operation in self.edge.central_system.operations
        }
        self._session = requests.Session()
        adapter = HTTPAdapter(pool_connections=4, pool_maxsize=max(1, pool_size))
        self._session.mount("http://", adapter)
        self._session.mount("https://", adapter)
        transport = Transport(
            session=self._session, timeout=timeout, operation_timeout=(min(CONNECT_TIMEOUT_S, timeout), timeout)
        )
        settings = zeep.Settings(xml_huge_tree=False, forbid_dtd=True, forbid_entities=True)
        client = zeep.Client(str(wsdl_path(self.edge, CENTRAL_SYSTEM)), transport=transport, settings=settings)
        self._namespace = self.edge.central_system.namespace
        self._service = client.create_service(f"{{{self._namespace}}}{CENTRAL_SYSTEM}Soap", central_url)

    def link(self, charge_box_id: str, own_url: str) -> StationLink:
        return StationLink(self, charge_box_id, own_url)

    def call(self, charge_box_id: str, own_url: str, operation: str, **fields: Any) -> Any:
        """Send one request; the answer as zeep gives it, or :class:`CentralSystemUnavailable`. Fields the
        version's message does not have, and fields without a value, are left out."""
        fields = {name: value for name, value in fields.items() if name in self._fields[operation] and value is not None}
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
        identity = etree.Element(f"{{{self._namespace}}}chargeBoxIdentity")
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
        self._writer = client.edge.readings_writer

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
        answer = self._call(
            "StartTransaction", connectorId=connector_id, idTag=id_tag, timestamp=timestamp, meterStart=meter_start,
            reservationId=reservation_id,
        )
        return StartReply(answer.transactionId, AuthorizationStatus(answer.idTagInfo.status))

    def stop_transaction(
        self, transaction_id: int, id_tag: str | None, timestamp: datetime, meter_stop: int,
        samples: Sequence[MeterSample],
    ) -> AuthorizationStatus | None:
        info = _field(
            self._call(
                "StopTransaction", transactionId=transaction_id, idTag=id_tag, timestamp=timestamp,
                meterStop=meter_stop, **self._writer.transaction_data(readings(samples)),
            ),
            "idTagInfo",
        )
        return None if info is None else AuthorizationStatus(info.status)

    def meter_values(self, connector_id: int, transaction_id: int | None, samples: Sequence[MeterSample]) -> None:
        self._call(
            "MeterValues", connectorId=connector_id, transactionId=transaction_id,
            **self._writer.meter_values(readings(samples)),
        )

    def status_notification(
        self, connector_id: int, status: ConnectorStatus, error_code: ChargePointErrorCode, timestamp: datetime
    ) -> None:
        self._call(
            "StatusNotification", connectorId=connector_id, status=status.value, errorCode=error_code.value,
            timestamp=timestamp,
        )

    def firmware_status(self, status: FirmwareStatus) -> None:
        self._call("FirmwareStatusNotification", status=status.value)

    def diagnostics_status(self, status: DiagnosticsStatus) -> None:
        self._call("DiagnosticsStatusNotification", status=status.value)


def readings(samples: Sequence[MeterSample]) -> tuple[MeterReading, ...]:
    """A station's samples as meter readings: the energy register and, while charging, the power drawn."""
    result = []
    for sample in samples:
        values = [
            SampledValue(
                str(sample.energy_wh), context=sample.context, format=ValueFormat.RAW,
                measurand=Measurand.ENERGY_ACTIVE_IMPORT_REGISTER, location=Location.OUTLET, unit=UnitOfMeasure.WH,
            )
        ]
        if sample.power_w is not None:
            values.append(
                SampledValue(
                    f"{sample.power_w:g}", context=sample.context, measurand=Measurand.POWER_ACTIVE_IMPORT,
                    unit=UnitOfMeasure.W,
                )
            )
        result.append(MeterReading(sample.timestamp, tuple(values)))
    return tuple(result)


def _request_fields(request_type: Any) -> list[str]:
    """The fields of a version's request type (none for an operation without parameters, Heartbeat)."""
    return [] if request_type is None else list(request_type.get_flat_type_info(request_type))


def _field(answer: Any, name: str) -> Any:
    """zeep unwraps a response with a single field into that field's value; read it either way."""
    if answer is None:
        return None
    try:
        return answer[name]
    except (KeyError, TypeError, AttributeError, IndexError):
        return answer

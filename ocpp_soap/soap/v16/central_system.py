"""The OCPP 1.6 CentralSystemService: its operations built from the registry, and what 1.6 does its own way.

- Meter readings: each ``sampledValue`` is a child element with its metadata as child elements (``phase`` among
  them), read by us and written by a simulated station; a MeterValues carries them as ``meterValue``, a
  StopTransaction directly as ``transactionData`` (no wrapper, as 1.5 had).
- StopTransaction says why: its ``reason``, absent meaning Local (OCPP 1.6 §4.10).
- BootNotification answers ``interval`` (not ``heartbeatInterval``) and may say Pending: a station waiting for an
  operator is told so, with the interval to wait before it boots again.

Everything else crosses the edge as in every version.
"""

from __future__ import annotations

from typing import Any

from ...domain import model as m
from ...domain import station_messages as messages
from ...domain.versions import Protocol
from ..edge import CENTRAL_SYSTEM, ReadingsWriter
from ..services import build_service
from ..station_messages import optional_enum, translations
from . import types as t

_METADATA = ("context", "format", "measurand", "phase", "location")


def meter_readings(values: list[Any] | None) -> tuple[m.MeterReading, ...]:
    """1.6 ``MeterValue`` elements as domain readings, every sampled value with all its metadata."""
    return tuple(
        m.MeterReading(
            timestamp=reading.timestamp,
            values=tuple(
                m.SampledValue(
                    value=(sampled.value or "").strip(),
                    context=optional_enum(m.ReadingContext, sampled.context),
                    format=optional_enum(m.ValueFormat, sampled.format),
                    measurand=optional_enum(m.Measurand, sampled.measurand),
                    location=optional_enum(m.Location, sampled.location),
                    unit=optional_enum(m.UnitOfMeasure, sampled.unit),
                    phase=optional_enum(m.Phase, sampled.phase),
                )
                for sampled in reading.sampledValue or ()
            ),
        )
        for reading in values or ()
    )


def write_readings(readings: tuple[m.MeterReading, ...]) -> list[dict[str, Any]]:
    """Readings as a 1.6 station writes them; units under their 1.6 names (a domain ``Amp`` is written ``A``)."""
    return [
        {
            "timestamp": reading.timestamp,
            "sampledValue": [
                {
                    "value": sampled.value,
                    **{
                        name: getattr(sampled, name).value
                        for name in _METADATA
                        if getattr(sampled, name) is not None
                    },
                    **({"unit": sampled.unit.canonical.value} if sampled.unit is not None else {}),
                }
                for sampled in reading.values
            ],
        }
        for reading in readings
    ]


def stop_reason(req: Any) -> m.StopReason:
    """Why the session ended; 1.6 says an absent reason means Local."""
    return m.StopReason.LOCAL if req.reason is None else m.StopReason(req.reason)


def boot_response(result: messages.BootResult, types: Any) -> Any:
    """1.6 has Pending: the registration as it stands (Accepted, Pending or Rejected), and the interval to
    heartbeat at, or (not accepted) to wait before booting again."""
    return types.BootNotificationResponse(
        status=result.status.value, currentTime=result.current_time, interval=result.heartbeat_interval
    )


READINGS_WRITER = ReadingsWriter(
    meter_values=lambda readings: {"meterValue": write_readings(readings)},
    transaction_data=lambda readings: {"transactionData": write_readings(readings)} if readings else {},
)
CentralSystemService = build_service(CENTRAL_SYSTEM, t, Protocol.OCPP16_SOAP.station_operations)
TRANSLATIONS = translations(
    Protocol.OCPP16_SOAP,
    meter_readings=lambda req: meter_readings(req.meterValue),
    transaction_data=lambda req: meter_readings(req.transactionData),
    boot_response=boot_response,
    stop_reason=stop_reason,
)

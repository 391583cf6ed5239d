"""The OCPP 1.2 CentralSystemService: its operations built from the registry, and how 1.2 writes a meter reading
(a timestamp and one integer, without metadata; no transaction data at all). Everything else crosses the edge as
in every version: what 1.2 lacks (reservation ids, status details, DataTransfer) is simply absent."""

from __future__ import annotations

from typing import Any

from ...domain import model as m
from ...domain.versions import Protocol
from ..edge import CENTRAL_SYSTEM, ReadingsWriter
from ..services import build_service
from ..station_messages import translations
from . import types as t


def meter_readings(values: list[Any] | None) -> tuple[m.MeterReading, ...]:
    """1.2 readings (a timestamp and one integer) as domain readings: the integer as text, with no metadata."""
    return tuple(
        m.MeterReading(timestamp=reading.timestamp, values=(m.SampledValue(value=str(int(reading.value))),))
        for reading in values or ()
    )


def write_readings(readings: tuple[m.MeterReading, ...]) -> list[dict[str, Any]]:
    """Readings as a 1.2 station writes them: the energy register as an integer, nothing else."""
    written = []
    for reading in readings:
        energy = next(
            (v for v in reading.values if v.measurand in (None, m.Measurand.ENERGY_ACTIVE_IMPORT_REGISTER)), None
        )
        if energy is not None:
            written.append({"timestamp": reading.timestamp, "value": int(float(energy.value))})
    return written


READINGS_WRITER = ReadingsWriter(
    meter_values=lambda readings: {"values": write_readings(readings)},
    transaction_data=lambda readings: {},  # 1.2 has no transaction data
)
CentralSystemService = build_service(CENTRAL_SYSTEM, t, Protocol.OCPP12_SOAP.station_operations)
TRANSLATIONS = translations(
    Protocol.OCPP12_SOAP, meter_readings=lambda req: meter_readings(req.values), transaction_data=lambda req: ()
)

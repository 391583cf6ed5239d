"""The OCPP 1.5 CentralSystemService: its operations built from the registry, and how 1.5 writes meter readings
(values as text with their metadata in attributes), read by us and written by a simulated station. Everything else
crosses the edge as in every version."""

from __future__ import annotations

from typing import Any

from ...domain import model as m
from ...domain.versions import Protocol
from ..edge import CENTRAL_SYSTEM, ReadingsWriter
from ..services import build_service
from ..station_messages import optional_enum, translations
from . import types as t


def meter_readings(values: list[Any] | None) -> tuple[m.MeterReading, ...]:
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
                )
                for sampled in reading.value or ()
            ),
        )
        for reading in values or ()
    )


def write_readings(readings: tuple[m.MeterReading, ...]) -> list[dict[str, Any]]:
    """Readings as a 1.5 station writes them (zeep's ``_value_1`` is the element's text)."""
    return [
        {
            "timestamp": reading.timestamp,
            "value": [
                {
                    "_value_1": sampled.value,
                    **{
                        name: getattr(sampled, name).value
                        for name in ("context", "format", "measurand", "location", "unit")
                        if getattr(sampled, name) is not None
                    },
                }
                for sampled in reading.values
            ],
        }
        for reading in readings
    ]


READINGS_WRITER = ReadingsWriter(
    meter_values=lambda readings: {"values": write_readings(readings)},
    transaction_data=lambda readings: {"transactionData": [{"values": write_readings(readings)}]} if readings else {},
)
CentralSystemService = build_service(CENTRAL_SYSTEM, t, Protocol.OCPP15_SOAP.station_operations)
TRANSLATIONS = translations(
    Protocol.OCPP15_SOAP,
    meter_readings=lambda req: meter_readings(req.values),
    transaction_data=lambda req: tuple(r for data in req.transactionData or () for r in meter_readings(data.values)),
)

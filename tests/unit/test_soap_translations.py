"""The SOAP edge's translations: what a station of each version is told at boot, and how 1.6 reads and writes what
it does its own way (sampled values as child elements, the stop reason)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from ocpp_soap.domain.model import (
    Location,
    Measurand,
    MeterReading,
    Phase,
    ReadingContext,
    RegistrationStatus,
    SampledValue,
    StopReason,
    UnitOfMeasure,
    ValueFormat,
)
from ocpp_soap.domain.station_messages import BootResult
from ocpp_soap.soap.station_messages import boot_response_without_pending
from ocpp_soap.soap.v12 import types as t12
from ocpp_soap.soap.v15 import types as t15
from ocpp_soap.soap.v16 import central_system as v16
from ocpp_soap.soap.v16 import types as t16

NOW = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("status", "wire"),
    [
        (RegistrationStatus.ACCEPTED, RegistrationStatus.ACCEPTED),
        (RegistrationStatus.PENDING, RegistrationStatus.REJECTED),
        (RegistrationStatus.REJECTED, RegistrationStatus.REJECTED),
    ],
)
@pytest.mark.parametrize("types", [t12, t15], ids=["1.2", "1.5"])
def test_versions_without_pending_know_only_accepted_and_rejected(
    status: RegistrationStatus, wire: RegistrationStatus, types: object
) -> None:
    response = boot_response_without_pending(BootResult(status, NOW, 300), types)  # type: ignore[arg-type]
    assert response.status == wire.value
    assert (response.currentTime, response.heartbeatInterval) == (NOW, 300)


@pytest.mark.parametrize("status", list(RegistrationStatus))
def test_16_tells_a_station_its_registration_as_it_is_with_the_interval(status: RegistrationStatus) -> None:
    response = v16.boot_response(BootResult(status, NOW, 300), t16)
    assert (response.status, response.currentTime, response.interval) == (status.value, NOW, 300)


def test_16_readings_round_trip_with_every_metadata_and_units_under_their_16_names() -> None:
    """What a simulated 1.6 station writes (zeep's dicts, as Spyne would read them back) is what the reader takes."""
    reading = MeterReading(NOW, (
        SampledValue("15.9", ReadingContext.SAMPLE_PERIODIC, ValueFormat.RAW, Measurand.CURRENT_IMPORT,
                     Location.OUTLET, UnitOfMeasure.A, Phase.L1),
        SampledValue("64", measurand=Measurand.SOC, location=Location.EV, unit=UnitOfMeasure.PERCENT),
        SampledValue("230", measurand=Measurand.VOLTAGE, unit=UnitOfMeasure.VOLT, phase=Phase.L1_N),
    ))
    written = v16.READINGS_WRITER.meter_values((reading,))
    (meter_value,) = written["meterValue"]
    assert meter_value["sampledValue"][0] == {
        "value": "15.9", "context": "Sample.Periodic", "format": "Raw", "measurand": "Current.Import", "phase": "L1",
        "location": "Outlet", "unit": "A",
    }
    assert meter_value["sampledValue"][2]["unit"] == "V"  # 1.5's Volt is 1.6's V

    wire = [t16.MeterValue(timestamp=NOW, sampledValue=[t16.SampledValue(**v) for v in meter_value["sampledValue"]])]
    (read,) = v16.meter_readings(wire)
    assert read.values[0] == reading.values[0] and read.values[1] == reading.values[1]
    assert read.values[2] == SampledValue("230", measurand=Measurand.VOLTAGE, unit=UnitOfMeasure.V, phase=Phase.L1_N)
    assert v16.READINGS_WRITER.transaction_data(()) == {}
    assert v16.READINGS_WRITER.transaction_data((reading,)) == {"transactionData": written["meterValue"]}


@pytest.mark.parametrize(("reason", "stored"), [(None, StopReason.LOCAL), ("DeAuthorized", StopReason.DE_AUTHORIZED)])
def test_16_stop_reason_absent_means_local(reason: str | None, stored: StopReason) -> None:
    assert v16.stop_reason(t16.StopTransactionRequest(reason=reason)) is stored

"""A session's chart and figures with what an OCPP 1.6 station sends: state of charge (``SoC`` in ``Percent``,
measured at the EV) on the second axis, and measurands per phase beside the overall value, of which only the
overall one counts (a phase's register is part of the total; neither it nor a sum of phases is the session's)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask.testing import FlaskClient
from lxml import html

from ocpp_soap.bootstrap import Gateway
from ocpp_soap.domain.model import (
    AuthorizationStatus,
    Location,
    Measurand,
    MeterReading,
    MeterValueBatch,
    Phase,
    ReadingContext,
    SampledValue,
    Transaction,
    UnitOfMeasure,
)
from tests.api.conftest import add_station
from webapp.readmodel import sessions

START = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=1)
PERIODIC = ReadingContext.SAMPLE_PERIODIC


def charging(gateway: Gateway, readings: list[tuple[SampledValue, ...]]) -> int:
    """An open session on a station, with one reading every five minutes."""
    add_station(gateway, "CB16")
    with gateway.uow_factory() as uow:
        transaction_id = uow.transactions.add(
            Transaction("CB16", 1, "TAG", START, 10_000, AuthorizationStatus.ACCEPTED))
        batch = tuple(MeterReading(START + timedelta(minutes=5 * (i + 1)), values) for i, values in enumerate(readings))
        uow.meter_values.add(MeterValueBatch("CB16", 1, batch, START, transaction_id))
        uow.commit()
    return transaction_id


def energy(wh: int, phase: Phase | None = None) -> SampledValue:
    return SampledValue(str(wh), PERIODIC, measurand=Measurand.ENERGY_ACTIVE_IMPORT_REGISTER, location=Location.OUTLET,
                        unit=UnitOfMeasure.WH, phase=phase)


def power(kw: float, phase: Phase | None = None) -> SampledValue:
    return SampledValue(f"{kw:.2f}", PERIODIC, measurand=Measurand.POWER_ACTIVE_IMPORT, location=Location.OUTLET,
                        unit=UnitOfMeasure.KW, phase=phase)


def soc(percent: int) -> SampledValue:
    return SampledValue(str(percent), PERIODIC, measurand=Measurand.SOC, location=Location.EV,
                        unit=UnitOfMeasure.PERCENT)


def chart(admin: FlaskClient, transaction_id: int) -> Any:
    response = admin.get(f"/transactions/{transaction_id}")
    assert response.status_code == 200
    (svg,) = html.fromstring(response.get_data(as_text=True)).xpath('//svg[contains(@class, "chart")]')
    return svg


def _heights(svg: Any, css: str) -> list[float]:
    (line,) = svg.xpath(f'.//polyline[@class="{css}"]')
    return [float(point.split(",")[1]) for point in line.get("points").split()]


def test_state_of_charge_from_a_1_6_reading_is_on_the_second_axis(admin: FlaskClient, gateway: Gateway) -> None:
    transaction_id = charging(gateway, [(energy(10_000 + 1500 * i), soc(40 + 5 * i)) for i in range(6)])
    assert [p.value for p in sessions.series(gateway.database, transaction_id, (sessions.SOC,)).points] == [
        40, 45, 50, 55, 60, 65]
    svg = chart(admin, transaction_id)
    assert [t.text for t in svg.xpath('.//text[@class="tick y2"]')][:6] == ["0", "20", "40", "60", "80", "100"]
    assert "state of charge, %" in [t.text for t in svg.xpath('.//text[@class="tick y2"]')]
    heights = _heights(svg, "series soc")
    top, bottom = 16, 300 - 44  # the plot's top and bottom (ui/chart.py)
    assert heights[0] == pytest.approx(bottom - 0.40 * (bottom - top), abs=0.1)  # 40 % of the axis' 0-100
    assert heights == sorted(heights, reverse=True)  # rising


def test_with_power_the_state_of_charge_is_a_third_line(admin: FlaskClient, gateway: Gateway) -> None:
    transaction_id = charging(gateway, [(energy(10_000 + 900 * i), power(11.0), soc(50 + i)) for i in range(4)])
    svg = chart(admin, transaction_id)
    assert [line.get("class") for line in svg.xpath(".//polyline")] == ["series energy", "series power", "series soc"]
    assert "power, kW" in [t.text for t in svg.xpath('.//text[@class="tick y2"]')]


def test_values_per_phase_are_not_the_session_s(admin: FlaskClient, gateway: Gateway, client: FlaskClient) -> None:
    """Each reading: the overall register and power, and the same per phase (a third each)."""
    readings = [
        (energy(10_000 + 3000 * i), *(energy(3333 + 1000 * i, phase) for phase in (Phase.L1, Phase.L2, Phase.L3)),
         power(11.0), *(power(3.67, phase) for phase in (Phase.L1_N, Phase.L2_N, Phase.L3_N)))
        for i in range(5)
    ]
    transaction_id = charging(gateway, readings)
    series = sessions.series(gateway.database, transaction_id, (None, sessions.ENERGY))
    assert [p.value for p in series.points] == [10_000, 13_000, 16_000, 19_000, 22_000] and series.readings == 5
    assert {p.value for p in sessions.series(gateway.database, transaction_id, (sessions.POWER,)).points} == {11_000}
    tx = sessions.transaction(gateway.database, transaction_id)
    assert tx is not None and tx.energy_so_far_wh == 12_000 and tx.power_w == 11_000
    phases = {v.phase for v in tx.meter_values}
    assert None in phases and sorted(phases - {None}) == ["L1", "L1-N", "L2", "L2-N", "L3", "L3-N"]  # type: ignore[type-var]
    svg = chart(admin, transaction_id)
    assert len(_heights(svg, "series energy")) == 1 + 5  # the meter start, then the overall readings only
    assert _heights(svg, "series energy") == sorted(_heights(svg, "series energy"), reverse=True)  # never dips
    body = admin.get(f"/transactions/{transaction_id}").get_data(as_text=True)
    assert "12.000 kWh so far" in body


def test_meter_values_show_their_phase(admin: FlaskClient, gateway: Gateway) -> None:
    transaction_id = charging(gateway, [(energy(10_000), energy(3333, Phase.L1))])
    tree = html.fromstring(admin.get(f"/transactions/{transaction_id}").get_data(as_text=True))
    headers = [th.text_content() for th in tree.xpath('//table[.//th[text()="Phase"]]//th')]
    assert "Phase" in headers
    csv = admin.get(f"/transactions/{transaction_id}/meter-values.csv").get_data(as_text=True)
    assert csv.splitlines()[0].split(",")[:6] == ["timestamp", "connectorId", "value", "measurand", "phase", "unit"]
    assert ",L1," in csv

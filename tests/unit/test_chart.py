"""Session charts read well for a one-second session and a day-long one: distinct, round labels on both axes,
energy from the session's own start, power on the second axis."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from webapp.readmodel.sessions import Point
from webapp.ui.chart import nice_step, session_chart

START = datetime(2026, 3, 1, 12, 0, 0, tzinfo=UTC)


def labels(ticks: list) -> list[str]:  # type: ignore[type-arg]
    return [tick.label for tick in ticks]


def test_a_one_second_session_has_distinct_labels() -> None:
    chart = session_chart([Point(START, 5000), Point(START + timedelta(seconds=1), 5000)], [], [], 5000, ZoneInfo("UTC"))
    assert chart is not None
    assert labels(chart.x_ticks) == ["12:00:00", "12:00:01"]
    y = labels(chart.y_ticks)
    assert len(set(y)) == len(y) >= 2 and y[0] == "0.000"  # energy of the session, not the register


def test_a_session_that_starts_and_stops_in_the_same_second() -> None:
    chart = session_chart([Point(START, 5000), Point(START, 5000)], [], [], 5000, ZoneInfo("UTC"))
    assert chart is not None and labels(chart.x_ticks)[0] == "12:00:00"
    assert len(set(labels(chart.y_ticks))) == len(chart.y_ticks)


def test_a_day_long_session_in_the_viewer_s_zone() -> None:
    energy = [Point(START + timedelta(minutes=m), 100_000 + 7.5 * m) for m in range(0, 24 * 60, 10)]
    power = [Point(p.at, 450.0) for p in energy]
    chart = session_chart(energy, power, [], 100_000, ZoneInfo("Europe/Berlin"))
    assert chart is not None
    x = labels(chart.x_ticks)
    assert 3 <= len(x) <= 7 and len(set(x)) == len(x)
    assert any(label.startswith("03-02") for label in x)  # the day changes on the axis, and says so
    assert labels(chart.y_ticks)[:3] == ["0.0", "2.5", "5.0"] and chart.y_label == "kWh" and chart.y2_label == "kW"
    assert labels(chart.y2_ticks)[-1] == "0.5" and len(chart.lines) == 2


def test_state_of_charge_takes_the_second_axis_without_power() -> None:
    soc = [Point(START + timedelta(minutes=m), 20 + m) for m in range(30)]
    chart = session_chart([Point(START, 0)], [], soc, 0, ZoneInfo("UTC"))
    assert chart is not None and chart.y2_label == "%" and labels(chart.y2_ticks) == ["0", "20", "40", "60", "80", "100"]


def test_round_steps() -> None:
    assert [nice_step(span) for span in (1, 7, 23, 0.003, 12000)] == [0.2, 2, 5, 0.001, 2500]

"""Session charts read well for a one-second session and a day-long one: distinct, round labels on both axes,
energy from the session's own start, power on the second axis."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from webapp.readmodel.sessions import Point
from webapp.ui.chart import nice_step, session_chart, step_chart

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


def test_a_schedule_is_drawn_as_steps_with_its_limits() -> None:
    chart = step_chart([(0, 16.0, None), (1800, 10.0, 1), (5400, 32.0, None)], START, 7200, "A", ZoneInfo("UTC"))
    (line,) = chart.lines
    points = [tuple(map(float, p.split(","))) for p in line.points.split()]
    assert len(points) == 6 and [p[1] for p in points[::2]] == [p[1] for p in points[1::2]]  # flat steps
    assert points[1][0] == points[2][0] and points[3][0] == points[4][0]  # joined by vertical edges
    assert points[-1][0] == chart.plot[2]  # to the end of the window
    assert [s.label for s in chart.steps] == ["16 A", "10 A", "32 A"] and [s.seconds for s in chart.steps] == [
        1800, 3600, 1800]
    assert labels(chart.x_ticks) == ["12:00", "12:30", "13:00", "13:30", "14:00"]
    assert labels(chart.y_ticks)[0] == "0" and float(labels(chart.y_ticks)[-1]) >= 32
    assert [label.text for label in chart.labels] == ["16 A", "10 A", "32 A"]


def test_watts_are_drawn_as_kilowatts_and_no_limit_as_a_band() -> None:
    chart = step_chart([(0, 11040.0, 3), (3600, None, None)], START, 86400, "W", ZoneInfo("Europe/Berlin"))
    assert chart.unit == "kW" and [s.label for s in chart.steps] == ["11.04 kW", "no limit"]
    (band,) = chart.bands
    assert band.x == pytest.approx(chart.plot[0] + (chart.plot[2] - chart.plot[0]) / 24, abs=0.1)
    assert band.title.startswith("from 2026-03-01 14:00:00 CET")
    assert labels(chart.x_ticks)[0] == "18:00" and any(label.startswith("03-02") for label in labels(chart.x_ticks))


def test_a_schedule_that_ends_early_or_runs_past_the_window() -> None:
    chart = step_chart([(0, 6.0, None), (600, 8.0, None)], START, 300, "A", ZoneInfo("UTC"))
    assert [s.label for s in chart.steps] == ["6 A"] and chart.steps[0].seconds == 300
    empty = step_chart([], START, 60, "A", ZoneInfo("UTC"))
    assert empty.lines == [] and empty.steps == [] and labels(empty.y_ticks)

"""Charts drawn as inline SVG on the server (no script, no network): a session's energy (from its own start,
not the meter register) with power and, where a station sends it, state of charge on a second axis; and bar
charts for the dashboard. Axes get round steps, so a one-second session and a day-long one both read well."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo

from webapp.readmodel.dashboard import Bar
from webapp.readmodel.sessions import Point
from webapp.timezones import local, show

WIDTH, HEIGHT = 860, 300
LEFT, RIGHT, TOP, BOTTOM = 64, 64, 16, 44
TIME_STEPS = (1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400, 172800)


@dataclass(frozen=True)
class Tick:
    position: float
    label: str


@dataclass(frozen=True)
class Line:
    points: str  # the polyline's "x,y x,y ..."
    css: str
    name: str


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    lines: list[Line]
    x_ticks: list[Tick]
    y_ticks: list[Tick]  # left axis: energy
    y2_ticks: list[Tick]  # right axis: power or state of charge
    y_label: str
    y2_label: str
    plot: tuple[int, int, int, int]  # left, top, right, bottom of the plotting area


def nice_step(span: float, ticks: int = 5) -> float:
    """A round step (1, 2, 2.5 or 5 times a power of ten) that cuts ``span`` into about ``ticks`` parts."""
    if span <= 0:
        return 1.0
    raw = span / ticks
    power = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 2.5, 5, 10):
        if factor * power >= raw:
            return factor * power
    return 10 * power


def _axis(low: float, high: float, minimum_span: float) -> tuple[float, float, float]:
    """Round bounds and step around ``low..high``, at least ``minimum_span`` wide (so equal values still get
    distinct labels)."""
    if high - low < minimum_span:
        high = low + minimum_span
    step = nice_step(high - low)
    return math.floor(low / step) * step, math.ceil(high / step) * step, step


def _decimals(step: float) -> int:
    """Digits after the point that every multiple of ``step`` needs (2.5 -> 1, 0.25 -> 2, 5 -> 0)."""
    for digits in range(7):
        if abs(step * 10**digits - round(step * 10**digits)) < 1e-9:
            return digits
    return 6


def _time_ticks(start: datetime, span_s: float, zone: tzinfo, x: Callable[[float], float]) -> list[Tick]:
    step = next((s for s in TIME_STEPS if span_s / s <= 6), TIME_STEPS[-1])
    local_start = local(start, zone)
    epoch = local_start.replace(hour=0, minute=0, second=0, microsecond=0)
    offset = (local_start - epoch).total_seconds()
    first = math.ceil(offset / step) * step
    ticks: list[Tick] = []
    at = first
    while at - offset <= span_s + 1e-9:
        moment = epoch + timedelta(seconds=at)
        pattern = "%H:%M:%S" if step < 60 else "%H:%M"
        if step >= 86400 or (ticks and moment.date() != (epoch + timedelta(seconds=at - step)).date()):
            pattern = "%m-%d " + pattern
        ticks.append(Tick(x(at - offset), moment.strftime(pattern)))
        at += step
    return ticks


def session_chart(energy: list[Point], power: list[Point], soc: list[Point], meter_start: float,
                  zone: tzinfo) -> Chart | None:
    """Energy of the session in kWh (readings minus the meter start) on the left axis; power in kW on the right,
    or state of charge in % when there is no power. None when there is nothing to draw."""
    if not energy and not power and not soc:
        return None
    right, bottom = WIDTH - RIGHT, HEIGHT - BOTTOM
    moments = [p.at for p in (*energy, *power, *soc)]
    start, end = min(moments), max(moments)
    span = max((end - start).total_seconds(), 1.0)

    def x(seconds: float) -> float:
        return LEFT + seconds / span * (right - LEFT)

    def line(points: list[Point], scale: tuple[float, float], factor: float, css: str, name: str) -> Line:
        low, high = scale
        coords = " ".join(
            f"{x((p.at - start).total_seconds()):.1f},{bottom - (p.value * factor - low) / (high - low) * (bottom - TOP):.1f}"
            for p in points)
        return Line(coords, css, name)

    lines: list[Line] = []
    y_ticks: list[Tick] = []
    kwh = [Point(p.at, (p.value - meter_start) / 1000) for p in energy]
    if kwh:
        low, high, step = _axis(min(0.0, min(p.value for p in kwh)), max(p.value for p in kwh), 0.01)
        lines.append(line(kwh, (low, high), 1.0, "series energy", "energy (kWh)"))
        digits = _decimals(step)
        y_ticks = [Tick(bottom - (v - low) / (high - low) * (bottom - TOP), f"{v:,.{digits}f}")
                   for v in _steps(low, high, step)]
    y2_ticks: list[Tick] = []
    y2_label = ""
    second = [Point(p.at, p.value / 1000) for p in power] if power else soc
    if second:
        is_power = bool(power)
        low, high, step = _axis(0.0, max(p.value for p in second), 0.1 if is_power else 1.0) if is_power \
            else (0.0, 100.0, 20.0)
        lines.append(line(second, (low, high), 1.0, "series power" if is_power else "series soc",
                          "power (kW)" if is_power else "state of charge (%)"))
        digits = _decimals(step)
        y2_ticks = [Tick(bottom - (v - low) / (high - low) * (bottom - TOP), f"{v:,.{digits}f}")
                    for v in _steps(low, high, step)]
        y2_label = "kW" if is_power else "%"
        if is_power and soc:
            lines.append(line(soc, (0.0, 100.0), 1.0, "series soc", "state of charge (%, 0–100 on the same height)"))
    return Chart(WIDTH, HEIGHT, lines, _time_ticks(start, span, zone, x), y_ticks, y2_ticks,
                 "kWh" if kwh else "", y2_label, (LEFT, TOP, right, bottom))


def _steps(low: float, high: float, step: float) -> list[float]:
    count = round((high - low) / step)
    return [low + i * step for i in range(count + 1)]


@dataclass(frozen=True)
class BarShape:
    x: float
    y: float
    width: float
    height: float
    label: str
    value: str
    title: str


@dataclass(frozen=True)
class BarChart:
    width: int
    height: int
    bars: list[BarShape]
    horizontal: bool
    empty: bool


def bar_chart(bars: list[Bar], *, horizontal: bool = False, label_every: int = 1) -> BarChart:
    """Energy bars in kWh: vertical (per day) or horizontal (per station)."""
    top = max((b.wh for b in bars), default=0) or 1
    shapes = []
    if horizontal:
        width, row = 420, 26
        height = max(row * len(bars), row)
        for i, bar in enumerate(bars):
            length = bar.wh / top * (width - 200)
            shapes.append(BarShape(120, i * row + 4, max(length, 1), row - 8, bar.label, f"{bar.wh / 1000:,.1f}",
                                   f"{bar.label}: {bar.wh / 1000:,.3f} kWh"))
        return BarChart(width, height, shapes, True, not any(b.wh for b in bars))
    width, height, base = 420, 180, 150
    slot = width / max(len(bars), 1)
    for i, bar in enumerate(bars):
        size = bar.wh / top * (base - 20)
        label = bar.label[5:] if i % label_every == 0 else ""
        shapes.append(BarShape(i * slot + 3, base - size, max(slot - 6, 2), size, label,
                               f"{bar.wh / 1000:,.1f}" if bar.wh else "", f"{bar.label}: {bar.wh / 1000:,.3f} kWh"))
    return BarChart(width, height, shapes, False, not any(b.wh for b in bars))


# Step charts of charging schedules (OCPP 1.6): the limit over time, as GetCompositeSchedule reports it or as the
# stored profiles allow. Smaller than the session chart, so that two fit side by side and stay readable at 390 px.

STEP_WIDTH, STEP_HEIGHT = 560, 250
STEP_LEFT, STEP_RIGHT, STEP_TOP, STEP_BOTTOM = 62, 18, 40, 46


@dataclass(frozen=True)
class Step:
    """One period of a schedule: from ``start`` for ``seconds``, at most ``limit`` (None: no limit)."""

    start: datetime
    seconds: float
    limit: float | None
    phases: int | None
    label: str  # the limit as the period table shows it: "16 A", "11.04 kW", "no limit"


@dataclass(frozen=True)
class Band:
    """A stretch without a limit, drawn as a shaded band."""

    x: float
    width: float
    title: str


@dataclass(frozen=True)
class StepLabel:
    x: float
    y: float
    text: str


@dataclass(frozen=True)
class StepChart:
    width: int
    height: int
    lines: list[Line]  # the limit: one polyline per run of limited periods
    bands: list[Band]  # stretches without a limit
    labels: list[StepLabel]  # each step's limit, where there is room for it
    x_ticks: list[Tick]
    y_ticks: list[Tick]
    unit: str  # "A" or "kW"
    plot: tuple[int, int, int, int]
    steps: list[Step]


def _limit_text(value: float, unit: str) -> str:
    return f"{value:,.2f}".rstrip("0").rstrip(".") + f" {unit}"


def step_chart(periods: list[tuple[int, float | None, int | None]], start: datetime, duration: float, unit: str,
               zone: tzinfo) -> StepChart:
    """The limit over ``duration`` seconds from ``start``: ``periods`` are (start_period in seconds, limit or None,
    numberPhases) in order, ``unit`` "A" or "W" (W is drawn as kW)."""
    duration = max(duration, 1.0)  # periods starting after the window are left out
    shown_unit, factor = ("kW", 0.001) if unit == "W" else (unit, 1.0)
    left, top, right, bottom = STEP_LEFT, STEP_TOP, STEP_WIDTH - STEP_RIGHT, STEP_HEIGHT - STEP_BOTTOM
    steps: list[Step] = []
    for index, (begin, limit, phases) in enumerate(periods):
        end = periods[index + 1][0] if index + 1 < len(periods) else duration
        if begin >= duration:
            break
        value = None if limit is None else limit * factor
        steps.append(Step(start + timedelta(seconds=begin), min(end, duration) - begin, value, phases,
                          "no limit" if value is None else _limit_text(value, shown_unit)))
    limits = [s.limit for s in steps if s.limit is not None]
    low, high, step = _axis(0.0, max(limits, default=1.0) * 1.1, 0.1 if shown_unit == "kW" else 1.0)
    digits = _decimals(step)

    def x(seconds: float) -> float:
        return left + seconds / duration * (right - left)

    def y(value: float) -> float:
        return bottom - (value - low) / (high - low) * (bottom - top)

    lines: list[Line] = []
    bands: list[Band] = []
    labels: list[StepLabel] = []
    run: list[str] = []
    for s in steps:
        x0, x1 = x((s.start - start).total_seconds()), x((s.start - start).total_seconds() + s.seconds)
        if s.limit is None:
            if run:
                lines.append(Line(" ".join(run), "series limit", f"limit ({shown_unit})"))
                run = []
            bands.append(Band(x0, x1 - x0, f"from {show(s.start, zone)}: no limit"))
            if x1 - x0 >= 70:
                labels.append(StepLabel((x0 + x1) / 2, top + 20, "no limit"))
            continue
        level = y(s.limit)
        run.extend((f"{x0:.1f},{level:.1f}", f"{x1:.1f},{level:.1f}"))
        if x1 - x0 >= 70:
            labels.append(StepLabel((x0 + x1) / 2, max(level - 8, top + 14), s.label))
    if run:
        lines.append(Line(" ".join(run), "series limit", f"limit ({shown_unit})"))
    y_ticks = [Tick(y(v), f"{v:,.{digits}f}") for v in _steps(low, high, step)]
    return StepChart(STEP_WIDTH, STEP_HEIGHT, lines, bands, labels, _time_ticks(start, duration, zone, x), y_ticks,
                     shown_unit, (left, top, right, bottom), steps)

"""A line chart of a transaction's energy register, drawn as inline SVG on the server (no script, no network)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from .formatting import utc
from .queries import MeterPoint

WIDTH, HEIGHT = 860, 280
LEFT, RIGHT, TOP, BOTTOM = 78, 16, 14, 44


@dataclass(frozen=True)
class Tick:
    position: float
    label: str


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    points: str  # the polyline's "x,y x,y ..."
    x_ticks: list[Tick]
    y_ticks: list[Tick]
    plot: tuple[int, int, int, int]  # left, top, right, bottom of the plotting area


def energy_chart(points: list[MeterPoint]) -> Chart | None:
    """Energy over time in kWh; None when there is nothing to draw."""
    if not points:
        return None
    right, bottom = WIDTH - RIGHT, HEIGHT - BOTTOM
    start, end = points[0].at, points[-1].at
    span = max((end - start).total_seconds(), 1.0)
    low = min(p.wh for p in points)
    high = max(p.wh for p in points)
    if high - low < 1:
        high = low + 1

    def x(at: datetime) -> float:
        return LEFT + (at - start).total_seconds() / span * (right - LEFT)

    def y(wh: float) -> float:
        return bottom - (wh - low) / (high - low) * (bottom - TOP)

    line = " ".join(f"{x(p.at):.1f},{y(p.wh):.1f}" for p in points)
    y_ticks = [Tick(y(low + (high - low) * i / 4), f"{(low + (high - low) * i / 4) / 1000:,.2f}") for i in range(5)]
    x_ticks = [Tick(x(start + (end - start) * i / 2), utc(start + (end - start) * i / 2)) for i in range(3)]
    if end == start:
        x_ticks = x_ticks[:1]
    return Chart(WIDTH, HEIGHT, line, x_ticks, y_ticks, (LEFT, TOP, right, bottom))

"""Charging sessions the simulated stations run by themselves: a driver arrives, presents a tag, charges, leaves.

Each station gets its own tag (two sessions with one tag at once would be refused as ConcurrentTx) and, after a
random first wait so that a crowd of stations does not start in step, runs a session of ``duration`` seconds,
waits ``pause`` seconds, and so on. The session itself (Authorize, StatusNotification, StartTransaction,
MeterValues, StopTransaction) is the station's: :meth:`SimulatedStation.begin_local_session`.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Sequence
from dataclasses import dataclass

from .station import SimulatedStation


@dataclass(frozen=True)
class SessionPlan:
    duration: float = 120.0
    pause: float = 300.0
    id_tags: tuple[str, ...] = ()  # station i uses id_tags[i % len]; none: "T-" + its chargeBoxIdentity
    first_within: float | None = None  # the first session starts within this many seconds (default: pause)
    jitter: float = 0.2  # pauses vary by up to this fraction

    def tag_for(self, index: int, charge_box_id: str) -> str:
        if self.id_tags:
            return self.id_tags[index % len(self.id_tags)]
        return f"T-{charge_box_id}"[:20]  # an IdToken has at most 20 characters


class SessionDriver:
    """Schedules the plan's sessions on each station's strand until stopped."""

    def __init__(self, plan: SessionPlan, *, seed: int | None = None) -> None:
        self.plan = plan
        self._random = random.Random(seed)
        self._stopped = threading.Event()

    def drive(self, stations: Sequence[SimulatedStation]) -> None:
        for index, station in enumerate(stations):
            self._drive(station, self.plan.tag_for(index, station.charge_box_id))

    def stop(self) -> None:
        self._stopped.set()

    def _drive(self, station: SimulatedStation, id_tag: str) -> None:
        plan = self.plan

        def session() -> None:
            if self._stopped.is_set():
                return
            if not station.accepted:  # not booted yet (or booting again): try again soon
                station.schedule(min(1.0, plan.duration), session, "SessionPlan")
                return
            station.begin_local_session(id_tag, plan.duration)
            pause = plan.pause * (1 + self._random.uniform(-plan.jitter, plan.jitter))
            station.schedule(plan.duration + max(0.0, pause), session, "SessionPlan")

        first_within = plan.pause if plan.first_within is None else plan.first_within
        station.schedule(self._random.uniform(0, max(0.0, first_within)), session, "SessionPlan")

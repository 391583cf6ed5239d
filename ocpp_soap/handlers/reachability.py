"""Fail-fast memory for commands toward stations: one that could not be reached is not called again at once.

A call that ends unreachable or timed out held a worker for up to the connect or answer timeout. For
``FAIL_FAST_S`` afterwards, further commands to the same station at the same address end straight away with the
same outcome and an error saying so, unless the station has sent a message since (it is back, and may have moved):
then it is called again. An answer of any kind (even a fault) means the station is reachable, and is forgotten.

The memory belongs to one process (each gunicorn worker keeps its own): no database round trip, and a station
is tried at most once per worker and period.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from ..domain.model import Station
from ..domain.station_requests import CallOutcome, StationCallResult

FAIL_FAST_S = 30.0
REMEMBERED = frozenset({CallOutcome.UNREACHABLE, CallOutcome.TIMEOUT})


@dataclass(frozen=True)
class _Failure:
    address: str
    called_at: datetime  # when the failed call began: a message after that means the station is alive
    ended_at: datetime
    result: StationCallResult[Any]


class Reachability:
    def __init__(self, period_s: float = FAIL_FAST_S) -> None:
        self.period = timedelta(seconds=period_s)
        self._failures: dict[str, _Failure] = {}
        self._lock = threading.Lock()

    def recall(self, station: Station, now: datetime) -> StationCallResult[Any] | None:
        """The remembered outcome when the station should not be called now; None when it should."""
        with self._lock:
            failure = self._failures.get(station.charge_box_id)
        if failure is None or failure.address != station.endpoint_address or now - failure.ended_at >= self.period:
            return None
        if station.last_seen_at is not None and station.last_seen_at > failure.called_at:
            return None
        ago = max(0.0, (now - failure.ended_at).total_seconds())
        error = (
            f"not called: the last call {ago:.0f} s ago failed and the station has sent nothing since "
            f"(commands fail at once for {self.period.total_seconds():g} s after such a failure): {failure.result.error}"
        )
        return replace(failure.result, error=error, duration_ms=0.0, answer=None, wire=None)

    def note(self, station: Station, called_at: datetime, ended_at: datetime, result: StationCallResult[Any]) -> None:
        """Remember a call that could not reach the station; forget the station once it answered."""
        with self._lock:
            if result.outcome in REMEMBERED and station.endpoint_address is not None:
                self._failures[station.charge_box_id] = _Failure(station.endpoint_address, called_at, ended_at, result)
            else:
                self._failures.pop(station.charge_box_id, None)

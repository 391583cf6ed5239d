"""A connector's energy meter: a register in Wh that rises at the charging power while a car charges.

``speedup`` compresses time for demos and tests (3600 turns one second of charging into an hour's energy), so
that a short session still shows a meter that moved. Guarded by the station's lock, like the rest of its state.
"""

from __future__ import annotations

import time
from collections.abc import Callable


class Meter:
    def __init__(
        self,
        register_wh: float = 0.0,
        *,
        power_w: float = 11_000.0,
        speedup: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._register_wh = register_wh
        self._power_w = power_w
        self._speedup = speedup
        self._clock = clock
        self._charging_since: float | None = None

    @property
    def charging(self) -> bool:
        return self._charging_since is not None

    def read(self) -> int:
        """The register now, in whole Wh (what a meter reports)."""
        return int(self._register_wh + self._energy_since_start())

    def power(self) -> float:
        """The active power drawn now, in W."""
        return self._power_w if self.charging else 0.0

    def start(self) -> int:
        """Begin charging; returns the reading at the start."""
        if self._charging_since is None:
            self._charging_since = self._clock()
        return self.read()

    def stop(self) -> int:
        """Stop charging; returns the reading at the stop."""
        self._register_wh += self._energy_since_start()
        self._charging_since = None
        return self.read()

    def _energy_since_start(self) -> float:
        if self._charging_since is None:
            return 0.0
        hours = (self._clock() - self._charging_since) * self._speedup / 3600.0
        return self._power_w * hours

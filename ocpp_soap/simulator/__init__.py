"""A SOAP charge point for OCPP 1.2 and 1.5, for tests, demos and load: many simulated stations in one process.

- :mod:`.station`: a station's state, its answers to the central system and its reactions;
- :mod:`.answers`: the SOAP edge of a station (Spyne requests in, response objects out);
- :mod:`.server`: the WSGI app serving every station at ``/ChargePointService/<chargeBoxIdentity>``;
- :mod:`.central_system_client`: the zeep client toward the central system, one per version;
- :mod:`.scheduler`: timed jobs, run one at a time per station on a shared worker pool;
- :mod:`.sessions`: charging sessions the stations run by themselves;
- :mod:`.runner`: :class:`Simulation`, which puts them together; :mod:`.cli`: ``ocpp-soap simulate``.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

_EXPORTS = {
    "SessionPlan": ".sessions",
    "SimulatedStation": ".station",
    "Simulation": ".runner",
    "StationProfile": ".link",
    "Timing": ".charger",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    """Exports load on first use: importing the package (the CLI does) must not build zeep or Spyne."""
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(_EXPORTS[name], __name__), name)

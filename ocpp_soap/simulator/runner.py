"""A simulation: many stations of one OCPP version, their HTTP server, their shared client and scheduler.

``Simulation(version, ids, central_url, listen=(host, port))`` builds everything on :meth:`start` (the zeep client
and the Spyne application once, whatever the number of stations), boots every station, and on :meth:`stop` stops
cleanly: no new jobs, running ones finished (each bounded by its network timeout), workers and server joined.
It is a context manager, so a test or a demo cannot leave threads behind.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from types import TracebackType

from .central_system_client import CentralSystemClient
from .charger import Timing
from .link import StationProfile
from .scheduler import Scheduler
from .server import BackgroundServer, StationServer, station_path
from .sessions import SessionDriver, SessionPlan
from .station import SimulatedStation

logger = logging.getLogger(__name__)
_ANY_ADDRESS = {"", "0.0.0.0", "::"}


class Simulation:
    def __init__(
        self,
        version: str,
        ids: Iterable[str],
        central_url: str,
        *,
        listen: tuple[str, int] = ("127.0.0.1", 0),
        advertise_url: str | None = None,
        profile: StationProfile | None = None,
        timing: Timing | None = None,
        sessions: SessionPlan | None = None,
        timeout: float = 10.0,
        workers: int | None = None,
        boot_spread: float = 0.0,
        seed: int | None = None,
    ) -> None:
        """``advertise_url`` is the base URL the central system reaches this host at (default: from ``listen``);
        ``boot_spread`` spreads the boots over that many seconds, so a crowd does not boot in the same instant."""
        self.version = version
        self.ids = list(dict.fromkeys(ids))
        if not self.ids:
            raise ValueError("a simulation needs at least one station id")
        self.central_url = central_url
        self._listen = listen
        self._advertise_url = advertise_url.rstrip("/") if advertise_url else None
        self._profile = profile or StationProfile()
        self._timing = timing or Timing()
        self._plan = sessions
        self._timeout = timeout
        self._workers = workers or min(64, max(4, len(self.ids)))
        self._boot_spread = boot_spread
        self._seed = seed
        self.stations: dict[str, SimulatedStation] = {}
        self._http: BackgroundServer | None = None
        self._client: CentralSystemClient | None = None
        self._scheduler: Scheduler | None = None
        self._driver: SessionDriver | None = None

    @property
    def base_url(self) -> str:
        if self._http is None:
            raise RuntimeError("the simulation is not started")
        if self._advertise_url:
            return self._advertise_url
        host = "127.0.0.1" if self._http.host in _ANY_ADDRESS else self._http.host
        host = f"[{host}]" if ":" in host else host
        return f"http://{host}:{self._http.port}"

    def url(self, charge_box_id: str) -> str:
        """The ChargePointService URL of a station (what it sends as wsa:From)."""
        return self.base_url + station_path(charge_box_id)

    def start(self) -> Simulation:
        try:
            return self._start()
        except BaseException:
            self.stop()
            raise

    def _start(self) -> Simulation:
        app = StationServer(self.version, self.stations.get)
        self._http = BackgroundServer(app, *self._listen)
        self._client = CentralSystemClient(
            self.version, self.central_url, timeout=self._timeout, pool_size=self._workers
        )
        self._scheduler = Scheduler(self._workers)
        for charge_box_id in self.ids:
            self.stations[charge_box_id] = SimulatedStation(
                charge_box_id,
                self.version,
                self._client.link(charge_box_id, self.url(charge_box_id)),
                self._scheduler.strand(charge_box_id),
                profile=self._profile,
                timing=self._timing,
            )
        if self._advertise_url is None and self._http.host in _ANY_ADDRESS:
            logger.warning("listening on all addresses but advertising %s: pass advertise_url (--advertise) with an "
                           "address the central system can reach", self.base_url)
        self._http.start()
        count = len(self.ids)
        for index, station in enumerate(self.stations.values()):
            station.power_on(self._boot_spread * index / count)
        if self._plan is not None:
            self._driver = SessionDriver(self._plan, seed=self._seed)
            self._driver.drive(list(self.stations.values()))
        logger.info("simulation of %d OCPP %s station(s) at %s%s/<id>, central system %s",
                    count, self.version, self.base_url, station_path("")[:-1], self.central_url)
        return self

    def wait_until_accepted(self, timeout: float) -> bool:
        """True once every station's boot was accepted; False if one was not by the deadline."""
        deadline = time.monotonic() + timeout
        return all(s.wait_until_accepted(max(0.0, deadline - time.monotonic())) for s in self.stations.values())

    def counts(self) -> dict[str, int]:
        """What all stations did so far, summed (see :meth:`SimulatedStation.counts`)."""
        total: dict[str, int] = {}
        for station in self.stations.values():
            for key, value in station.counts().items():
                total[key] = total.get(key, 0) + value
        return total

    def stop(self) -> None:
        if self._driver is not None:
            self._driver.stop()
        for station in self.stations.values():
            station.power_off()
        if self._scheduler is not None:
            self._scheduler.stop(timeout=self._timeout + 5)
        if self._http is not None:
            self._http.stop()
        if self._client is not None:
            self._client.close()
        logger.info("simulation stopped: %s", self.counts())

    def __enter__(self) -> Simulation:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

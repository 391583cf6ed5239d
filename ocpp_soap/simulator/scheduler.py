"""Timed jobs for simulated stations: one timer thread and a pool of workers shared by every station.

Each station gets a :class:`Strand`: its jobs run one at a time and in order, as a charger's firmware sends one
message after another, while different stations run in parallel on the pool. A strand can be *held* while the
station answers a request, so that what the station does in reaction is sent only once the answer has gone out.
A shared pool (instead of a thread per station) keeps thousands of idle stations cheap for load runs.
"""

from __future__ import annotations

import heapq
import itertools
import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

logger = logging.getLogger(__name__)

Job = Callable[[], None]


class Scheduler:
    """Runs jobs of many strands: due jobs are handed to their strand, strands drain on the worker pool."""

    def __init__(self, workers: int = 16, *, name: str = "simulator") -> None:
        self._pool = ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix=f"{name}-worker")
        self._timers: list[tuple[float, int, Strand, str, Job]] = []
        self._sequence = itertools.count()
        self._condition = threading.Condition()
        self._stopped = False
        self._thread = threading.Thread(target=self._run_timers, name=f"{name}-timer", daemon=True)
        self._thread.start()

    def strand(self, name: str) -> Strand:
        return Strand(self, name)

    def stop(self, timeout: float = 15.0) -> None:
        """Drop every pending timer, let running jobs finish (each is bounded by its network timeout), join."""
        with self._condition:
            self._stopped = True
            self._timers.clear()
            self._condition.notify_all()
        self._thread.join(timeout)
        self._pool.shutdown(wait=True, cancel_futures=True)

    @property
    def stopped(self) -> bool:
        return self._stopped

    def _add_timer(self, due: float, strand: Strand, name: str, job: Job) -> None:
        with self._condition:
            if self._stopped:
                return
            heapq.heappush(self._timers, (due, next(self._sequence), strand, name, job))
            self._condition.notify()

    def _submit(self, drain: Job) -> bool:
        try:
            self._pool.submit(drain)
        except RuntimeError:  # the pool is shut down: the simulation is stopping
            return False
        return True

    def _run_timers(self) -> None:
        while True:
            with self._condition:
                while not self._stopped and (not self._timers or self._timers[0][0] > time.monotonic()):
                    wait = self._timers[0][0] - time.monotonic() if self._timers else None
                    self._condition.wait(wait)
                if self._stopped:
                    return
                _, _, strand, name, job = heapq.heappop(self._timers)
            strand.call_soon(job, name)


class Strand:
    """One station's jobs, run one at a time in the order they became due."""

    def __init__(self, scheduler: Scheduler, name: str) -> None:
        self.name = name
        self._scheduler = scheduler
        self._lock = threading.Lock()
        self._queue: deque[tuple[str, Job]] = deque()
        self._running = False
        self._held = 0
        self._closed = False

    def call_soon(self, job: Job, name: str = "job") -> None:
        with self._lock:
            if self._closed:
                return
            self._queue.append((name, job))
            start = self._should_start()
        if start and not self._scheduler._submit(self._drain):
            with self._lock:
                self._running = False

    def call_later(self, delay: float, job: Job, name: str = "job") -> None:
        if delay <= 0:
            self.call_soon(job, name)
        else:
            self._scheduler._add_timer(time.monotonic() + delay, self, name, job)

    def hold(self) -> None:
        """Keep jobs from starting (a job already running goes on) until :meth:`release`."""
        with self._lock:
            self._held += 1

    def release(self) -> None:
        with self._lock:
            self._held = max(0, self._held - 1)
            start = self._should_start()
        if start and not self._scheduler._submit(self._drain):
            with self._lock:
                self._running = False

    def close(self) -> None:
        """Run nothing more: pending and future jobs are dropped."""
        with self._lock:
            self._closed = True
            self._queue.clear()

    def _should_start(self) -> bool:
        """Under the lock: mark the strand running when it has work and nothing stops it."""
        if self._running or self._held or self._closed or not self._queue:
            return False
        self._running = True
        return True

    def _drain(self) -> None:
        while True:
            with self._lock:
                if self._held or self._closed or not self._queue:
                    self._running = False
                    return
                name, job = self._queue.popleft()
            try:
                job()
            except Exception:  # a job's failure must not stop the station's other jobs
                logger.exception("station=%s job=%s failed", self.name, name)

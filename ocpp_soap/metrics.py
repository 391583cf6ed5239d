"""Prometheus metrics: what the gateway counts, and the text a scrape gets.

The front ends report facts through three functions and know nothing of Prometheus:
:func:`record_exchange` (one SOAP exchange with a station), :func:`record_command` (one operator command toward
a station; :func:`metered_command` wraps the bus handler that sends them). Gauges of stored state (stations
online, open transactions) are not kept in memory: :func:`exposition` asks for them at scrape time, so every
worker and every node reports the same numbers.

Under gunicorn each worker is a process with its own memory. When ``PROMETHEUS_MULTIPROC_DIR`` names a
directory (``deploy/gunicorn.conf.py`` and ``ocpp-soap serve`` set it up), every worker writes its counts to
files there and a scrape on any worker adds up all of them. Without it, counts are those of this process alone
(the development server, tests). prometheus_client chooses between the two when it is first imported, so this
module imports it only when something is first counted or scraped: importing the gateway in the gunicorn master
(which the command line does) must not decide the mode before the directory is set.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import os
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from .domain.errors import DomainError

logger = logging.getLogger(__name__)

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)

@dataclass(frozen=True)
class _Instruments:
    registry: Any  # this process's own metrics, for exposition when not in multiprocess mode
    messages: Any
    message_seconds: Any
    commands: Any


@functools.cache
def instruments() -> _Instruments:
    from prometheus_client import CollectorRegistry, Counter, Histogram

    registry = CollectorRegistry(auto_describe=True)
    return _Instruments(
        registry=registry,
        messages=Counter(
            "ocpp_soap_messages", "SOAP requests from stations, by operation and outcome",
            ["operation", "outcome"], registry=registry,
        ),
        message_seconds=Histogram(
            "ocpp_soap_message_duration_seconds", "Time to answer a station's SOAP request, by operation",
            ["operation"], buckets=LATENCY_BUCKETS, registry=registry,
        ),
        commands=Counter(
            "ocpp_soap_commands", "Operator commands sent toward stations, by operation and outcome",
            ["operation", "outcome"], registry=registry,
        ),
    )


StateGauges = Mapping[str, tuple[str, float]]
"""Gauge name → (help text, value), read at scrape time (from the database)."""


def record_exchange(operation: str | None, outcome: str, seconds: float) -> None:
    """One SOAP exchange: ``operation`` as named by OCPP (None when the request never got that far)."""
    name = operation or "unknown"
    with _never_failing("an exchange"):
        metrics = instruments()
        metrics.messages.labels(name, outcome).inc()
        metrics.message_seconds.labels(name).observe(seconds)


def record_command(operation: str, outcome: str) -> None:
    """One operator command toward a station and how it ended (answered, timeout, unreachable, refused ...)."""
    with _never_failing("a command"):
        instruments().commands.labels(operation, outcome).inc()


@contextlib.contextmanager
def _never_failing(what: str) -> Iterator[None]:
    """Counting must never fail the exchange it counts (say, a PROMETHEUS_MULTIPROC_DIR that is not writable)."""
    try:
        yield
    except OSError as exc:
        logger.warning("metrics: could not record %s: %s", what, exc)


def metered_command(handler: Callable[..., Any]) -> Callable[..., Any]:
    """Wrap the bus handler of station requests so that each call is counted by its outcome.

    A command the gateway refuses before sending (unknown station, operation the station's version lacks) is
    counted as ``refused``; an unexpected error as ``error``. The wrapper keeps the handler's signature, which
    the bus reads to inject dependencies.
    """

    @functools.wraps(handler)
    def counted(command: Any, *args: Any, **kwargs: Any) -> Any:
        operation = str(getattr(command, "operation", type(command).__name__))
        try:
            result = handler(command, *args, **kwargs)
        except DomainError:
            record_command(operation, "refused")
            raise
        except Exception:
            record_command(operation, "error")
            raise
        outcome = getattr(result, "outcome", None)
        record_command(operation, str(getattr(outcome, "value", outcome)))
        return result

    return counted


def multiprocess_dir() -> str | None:
    return os.environ.get(MULTIPROC_ENV) or None


def exposition(
    state: Callable[[], StateGauges] | None = None, collectors: Iterable[Callable[[], Iterable[Any]]] = ()
) -> tuple[bytes, str]:
    """The scrape body and its content type: this process's (or every worker's) counts, the state gauges, and
    what ``collectors`` read at scrape time (metric families, e.g. the relay's from the database)."""
    from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest

    registry = CollectorRegistry(auto_describe=False)
    directory = multiprocess_dir()
    if directory:
        from prometheus_client import multiprocess

        multiprocess.MultiProcessCollector(registry, path=directory)
    else:
        registry.register(_Delegate(instruments().registry.collect))
    if state is not None:
        registry.register(_Delegate(lambda: _state_metrics(state)))
    for collect in collectors:
        registry.register(_Delegate(_never_failing_collect(collect)))
    return generate_latest(registry), CONTENT_TYPE_LATEST


def _never_failing_collect(collect: Callable[[], Iterable[Any]]) -> Callable[[], Iterable[Any]]:
    def collected() -> Iterable[Any]:
        try:
            return list(collect())
        except Exception as exc:  # noqa: BLE001 - a scrape must answer even when the database does not
            logger.warning("metrics: %s unavailable: %s", getattr(collect, "__name__", "a collector"), type(exc).__name__)
            return []

    return collected


def _state_metrics(state: Callable[[], StateGauges]) -> Iterable[Any]:
    from prometheus_client.core import GaugeMetricFamily

    try:
        values = state()
    except Exception as exc:  # noqa: BLE001 - a scrape must answer even when the database does not
        logger.warning("metrics: stored state unavailable: %s", type(exc).__name__)
        values = {}
        up = 0.0
    else:
        up = 1.0
    yield GaugeMetricFamily("ocpp_soap_database_up", "1 when the last scrape could read the database", value=up)
    for name, (text, value) in values.items():
        yield GaugeMetricFamily(name, text, value=value)


class _Delegate:
    """A collector made of a function, registered per scrape (so never described, never checked for clashes)."""

    def __init__(self, collect: Callable[[], Iterable[Any]]) -> None:
        self._collect = collect

    def collect(self) -> Iterable[Any]:
        return self._collect()

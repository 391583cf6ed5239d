"""The load generator: simulated stations, each request on a new TCP connection, in a few processes.

Each process runs an asyncio loop with raw HTTP/1.1 over ``asyncio.Protocol`` (``Connection: close``, the body
read until the server closes): about the least Python a request can cost. A station is a script (a generator
of requests that is sent each answer); each coroutine of a process owns some stations and advances them in
turn, so one station never has two requests in flight, as with a real charger.

Closed loop (``rate`` 0): every coroutine sends its next request as soon as the previous one is answered.
Open loop (``rate`` > 0): a pacer releases send slots at the rate, and latency counts from the slot's time,
so a server that falls behind shows it in the latency instead of silently slowing the generator down.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import resource
import time
from collections import Counter
from collections.abc import Generator, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from tests.bench import envelopes as env

Step = tuple[str, str]
"""(operation, request body element)."""
Script = Generator[Step, "Answer", None]
METER_VALUES_PER_SESSION = 10


@dataclass
class Answer:
    ok: bool
    body: bytes = b""


@dataclass(frozen=True)
class Plan:
    """One generator process's share of the work (picklable)."""

    host: str
    port: int
    stations: tuple[str, ...]
    load: str  # heartbeat | mix | meter | boot
    concurrency: int
    duration: float | None  # None: until every script ends
    rate: float = 0.0  # this process's requests per second; 0 for a closed loop
    timeout: float = 30.0
    boot_first: bool = True


@dataclass
class Outcome:
    latencies: dict[str, list[float]] = field(default_factory=dict)  # operation -> seconds
    errors: Counter[tuple[str, str]] = field(default_factory=Counter)  # (operation, reason)
    elapsed: float = 0.0
    cpu: float = 0.0  # this process's user + system seconds during the run
    transaction_ids: list[int] = field(default_factory=list)  # acknowledged StartTransactions
    meter_values_acked: int = 0  # sampled values in acknowledged MeterValues
    stops_acked: int = 0
    unacked_starts: int = 0  # sent, not acknowledged (timeout, error): may or may not be stored
    unacked_meter_values: int = 0

    def merge(self, other: Outcome) -> None:
        for op, values in other.latencies.items():
            self.latencies.setdefault(op, []).extend(values)
        self.errors.update(other.errors)
        self.elapsed = max(self.elapsed, other.elapsed)
        self.cpu += other.cpu
        self.transaction_ids.extend(other.transaction_ids)
        self.meter_values_acked += other.meter_values_acked
        self.stops_acked += other.stops_acked
        self.unacked_starts += other.unacked_starts
        self.unacked_meter_values += other.unacked_meter_values

    @property
    def answered(self) -> int:
        return sum(len(v) for v in self.latencies.values())


# -- station scripts ----------------------------------------------------------------------------------------------


def _now(offset_s: float = 0.0) -> str:
    return (datetime.now(UTC) + timedelta(seconds=offset_s)).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def tag_for(station: str) -> str:
    return f"T-{station}"[:20]


def heartbeat_script(boot_first: bool) -> Iterator[Step]:
    if boot_first:
        yield "BootNotification", env.boot()
    while True:
        yield "Heartbeat", env.heartbeat()


def boot_script() -> Iterator[Step]:
    yield "BootNotification", env.boot()


def mix_script(station: str) -> Script:
    """Boot, connector available, then sessions: authorize, occupied, start, periodic meter values, stop."""
    tag = tag_for(station)
    meter = 0
    yield "BootNotification", env.boot()
    yield "StatusNotification", env.status(1, "Available", _now())
    while True:
        yield "Authorize", env.authorize(tag)
        yield "StatusNotification", env.status(1, "Occupied", _now())
        answer = yield "StartTransaction", env.start(1, tag, _now(), meter)
        found = env.TRANSACTION_ID.search(answer.body) if answer.ok else None
        if found is not None:
            transaction_id = int(found[1])
            for _ in range(METER_VALUES_PER_SESSION):
                meter += 350
                yield "MeterValues", env.meter_values(1, transaction_id, _now(), meter, 11000)
            yield "StopTransaction", env.stop(transaction_id, tag, _now(), meter)
        yield "StatusNotification", env.status(1, "Available", _now())
        yield "Heartbeat", env.heartbeat()


def meter_script(station: str) -> Script:
    """Boot, start one session, then nothing but its periodic meter values (the growth measurement)."""
    tag = tag_for(station)
    yield "BootNotification", env.boot()
    answer = yield "StartTransaction", env.start(1, tag, _now(), 0)
    found = env.TRANSACTION_ID.search(answer.body) if answer.ok else None
    meter = 0
    while found is not None:
        meter += 350
        yield "MeterValues", env.meter_values(1, int(found[1]), _now(), meter, 11000)


def _script(plan: Plan, station: str) -> Iterator[Step]:
    if plan.load == "heartbeat":
        return heartbeat_script(plan.boot_first)
    if plan.load == "boot":
        return boot_script()
    if plan.load == "mix":
        return mix_script(station)
    if plan.load == "meter":
        return meter_script(station)
    raise ValueError(f"unknown load {plan.load!r}")


# -- HTTP ---------------------------------------------------------------------------------------------------------


class _Exchange(asyncio.Protocol):
    def __init__(self, request: bytes, done: asyncio.Future[bytes]) -> None:
        self.request = request
        self.done = done
        self.parts: list[bytes] = []

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        transport.write(self.request)  # type: ignore[attr-defined]

    def data_received(self, data: bytes) -> None:
        self.parts.append(data)

    def eof_received(self) -> bool:
        return False

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.done.done():
            if exc is not None and not self.parts:
                self.done.set_exception(exc)
            else:
                self.done.set_result(b"".join(self.parts))


def http_request(host: str, port: int, path: str, body: bytes, op: str) -> bytes:
    return (
        f"POST {path} HTTP/1.1\r\nHost: {host}:{port}\r\nConnection: close\r\n"
        f'Content-Type: application/soap+xml; charset=utf-8; action="/{op}"\r\n'
        f"Content-Length: {len(body)}\r\n\r\n"
    ).encode() + body


async def post(loop: asyncio.AbstractEventLoop, host: str, port: int, request: bytes, timeout: float) -> bytes:
    """One request on a new connection; the whole response (status line, headers, body)."""
    done: asyncio.Future[bytes] = loop.create_future()
    transport, _ = await asyncio.wait_for(
        loop.create_connection(lambda: _Exchange(request, done), host, port), timeout
    )
    try:
        return await asyncio.wait_for(done, timeout)
    finally:
        transport.close()


def _judge(response: bytes, message_id: str) -> tuple[bool, str, bytes]:
    """(acknowledged, error reason, body): 200 with our MessageID in RelatesTo, or why not."""
    head, _, body = response.partition(b"\r\n\r\n")
    status = head[9:12]
    if status != b"200":
        reason = b"".join(body.split(b"Text", 2)[1:2])[:80].decode(errors="replace") if b"Text" in body else ""
        return False, f"HTTP {status.decode(errors='replace') or '?'} {reason}".strip(), body
    if f">{message_id}<".encode() not in body:
        return False, "answer without our RelatesTo", body
    return True, "", body


# -- the process --------------------------------------------------------------------------------------------------


async def _drive(plan: Plan, outcome: Outcome) -> None:
    loop = asyncio.get_running_loop()
    deadline = None if plan.duration is None else time.perf_counter() + plan.duration
    slots: asyncio.Queue[float] | None = asyncio.Queue() if plan.rate > 0 else None
    shares = [plan.stations[i :: plan.concurrency] for i in range(plan.concurrency)]

    async def pacer() -> None:
        assert slots is not None
        interval = 1.0 / plan.rate
        next_at = time.perf_counter()
        while deadline is None or next_at < deadline:
            now = time.perf_counter()
            while next_at <= now:
                slots.put_nowait(next_at)
                next_at += interval
            await asyncio.sleep(max(0.0, next_at - time.perf_counter()))
        for _ in shares:  # the run is over: wake every coroutine still waiting for a slot
            slots.put_nowait(float("inf"))

    async def station_loop(stations: tuple[str, ...]) -> None:
        scripts = {s: _script(plan, s) for s in stations}
        pending: dict[str, Step] = {}
        for station, script in list(scripts.items()):
            pending[station] = next(script)  # type: ignore[call-overload]
        while pending and (deadline is None or time.perf_counter() < deadline):
            for station in list(pending):
                if deadline is not None and time.perf_counter() >= deadline:
                    return
                op, body = pending[station]
                started = await slots.get() if slots is not None else time.perf_counter()
                if deadline is not None and started >= deadline:
                    return
                message_id, envelope = env.request(op, station, body)
                try:
                    raw = await post(loop, plan.host, plan.port, http_request(plan.host, plan.port, env.PATH, envelope, op), plan.timeout)
                    ok, reason, answer_body = _judge(raw, message_id)
                except TimeoutError:
                    ok, reason, answer_body = False, "timeout", b""
                except OSError as exc:
                    ok, reason, answer_body = False, f"connection: {exc.strerror or exc}", b""
                elapsed = time.perf_counter() - started
                if ok:
                    outcome.latencies.setdefault(op, []).append(elapsed)
                    _account(outcome, op, answer_body)
                else:
                    outcome.errors[(op, reason)] += 1
                    _account_lost(outcome, op)
                try:
                    pending[station] = scripts[station].send(Answer(ok, answer_body))  # type: ignore[attr-defined]
                except StopIteration:
                    del pending[station]

    tasks = [asyncio.create_task(station_loop(share)) for share in shares if share]
    pacing = asyncio.create_task(pacer()) if slots is not None else None
    await asyncio.gather(*tasks)
    if pacing is not None:
        pacing.cancel()


def _account(outcome: Outcome, op: str, body: bytes) -> None:
    if op == "StartTransaction":
        found = env.TRANSACTION_ID.search(body)
        if found is not None:
            outcome.transaction_ids.append(int(found[1]))
    elif op == "MeterValues":
        outcome.meter_values_acked += env.METER_VALUES_PER_MESSAGE
    elif op == "StopTransaction":
        outcome.stops_acked += 1


def _account_lost(outcome: Outcome, op: str) -> None:
    if op == "StartTransaction":
        outcome.unacked_starts += 1
    elif op == "MeterValues":
        outcome.unacked_meter_values += env.METER_VALUES_PER_MESSAGE


def run_plan(plan: Plan) -> Outcome:
    outcome = Outcome()
    before = resource.getrusage(resource.RUSAGE_SELF)
    started = time.perf_counter()
    asyncio.run(_drive(plan, outcome))
    outcome.elapsed = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_SELF)
    outcome.cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return outcome


def run(
    host: str, port: int, stations: list[str], load: str, *, processes: int, concurrency: int,
    duration: float | None, rate: float = 0.0, timeout: float = 30.0, boot_first: bool = True,
) -> Outcome:
    """Drive the server from ``processes`` processes sharing the stations, concurrency and rate; merged outcome."""
    processes = max(1, min(processes, len(stations)))
    plans = [
        Plan(
            host, port, tuple(stations[i::processes]), load, max(1, concurrency // processes), duration,
            rate / processes, timeout, boot_first,
        )
        for i in range(processes)
    ]
    total = Outcome()
    with multiprocessing.get_context("fork").Pool(processes) as pool:
        for outcome in pool.map(run_plan, plans):
            total.merge(outcome)
    return total

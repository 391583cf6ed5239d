"""Fleet benchmark: the gateway under gunicorn with the shipped configuration, driven by many simulated stations
over loopback, each request on a new TCP connection; beside it, under the same load, a bare lxml handler (the
practical ceiling). Prints figures; not a test.

    python tests/bench/fleet.py [run] [--backend sqlite|postgresql|both] [--load heartbeat|mix|both]
                                      [--duration 20] [--stations 1000] [--concurrency 32] [--rate 0] [--workers N]
    python tests/bench/fleet.py storm --stations 5000 --within 60
    python tests/bench/fleet.py growth [--backend postgresql] [--meter-values 10000000]
    python tests/bench/fleet.py soak --minutes 10

PostgreSQL: a database ``ocpp_soap_bench*`` is dropped and created on the server of ``OCPP_SOAP_BENCH_PG`` (default
the CI role on 127.0.0.1). SQLite: a file in a temporary directory. Both migrated with ``ocpp-soap db upgrade``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.bench import fill, loadgen, servers  # noqa: E402
from tests.bench.loadgen import tag_for  # noqa: E402
from tests.bench.report import Phase, percentile, print_phase, summary_header  # noqa: E402

CORES = os.cpu_count() or 1


def measure(
    label: str, server: servers.Server, stations: list[str], load: str, args: argparse.Namespace, **kw: object
) -> Phase:
    busy_before, total_before = servers.machine_busy()
    cpu_before = servers.cpu_seconds(server.process.pid)
    outcome = loadgen.run(
        "127.0.0.1", server.port, stations, load, processes=args.procs, concurrency=kw.pop("concurrency", args.concurrency),  # type: ignore[arg-type]
        duration=kw.pop("duration", args.duration), rate=kw.pop("rate", args.rate), **kw,  # type: ignore[arg-type]
    )
    busy_after, total_after = servers.machine_busy()
    busy = (busy_after - busy_before) / max(1.0, total_after - total_before)
    cpu_after = servers.cpu_seconds(server.process.pid)
    cpu = servers.cpu_used(cpu_before, cpu_after)
    return Phase(label, outcome, busy, CORES, cpu)


def _backends(choice: str) -> list[str]:
    return ["sqlite", "postgresql"] if choice == "both" else [choice]


def _station_names(prefix: str, count: int) -> list[str]:
    return [f"{prefix}{n:05d}" for n in range(1, count + 1)]


def _prepare(backend: str, name: str, workdir: Path, stations: list[str]) -> str:
    url = servers.fresh_database(backend, name, workdir)
    servers.add_id_tags(url, [tag_for(s) for s in stations])
    return url


def _warm_up(server: servers.Server, stations: list[str], args: argparse.Namespace) -> None:
    """Boot every station once (auto-accepted) and let every worker serve a while: not measured."""
    loadgen.run("127.0.0.1", server.port, stations, "boot", processes=args.procs, concurrency=args.concurrency, duration=None)
    loadgen.run("127.0.0.1", server.port, stations, "heartbeat", processes=args.procs, concurrency=args.concurrency,
                duration=2.0, boot_first=False)


# -- run: throughput and latency, gateway against the ceiling --------------------------------------------------------


def command_run(args: argparse.Namespace, workdir: Path) -> None:
    stations = _station_names("CB", args.stations)
    loads = ["heartbeat", "mix"] if args.load == "both" else [args.load]
    mode = f"open loop at {args.rate:.0f} msg/s" if args.rate else f"closed loop, {args.concurrency} in flight"
    print(f"# {len(stations)} stations, {args.duration:.0f} s per phase, {mode}, {args.procs} generator processes, "
          f"{CORES} cores; gunicorn {servers.CONFIG.relative_to(servers.REPO)} workers={args.workers or 'default'}")
    ceiling = servers.ceiling(workdir, args.workers)
    results: list[tuple[Phase, Phase]] = []
    try:
        for backend in _backends(args.backend):
            url = _prepare(backend, "ocpp_soap_bench", workdir, stations)
            gateway = servers.gateway(url, workdir, args.workers)
            try:
                _warm_up(gateway, stations, args)
                for load in loads:
                    print(summary_header())
                    ours = measure(f"gateway {backend} {load}", gateway, stations, load, args, boot_first=False)
                    print_phase(ours)
                    bare = measure(f"ceiling {load}", ceiling, stations, load, args, boot_first=False)
                    print_phase(bare)
                    print(f"ratio gateway/ceiling ({backend}, {load}): {ours.rate / bare.rate:.2f}\n", flush=True)
                    results.append((ours, bare))
            finally:
                gateway.stop()
    finally:
        ceiling.stop()
    print(summary_header())
    for ours, bare in results:
        print(f"{Phase(ours.label, ours.outcome, ours.machine_busy, CORES).label:<34}"[:34] + _short(ours, bare))


def _short(ours: Phase, bare: Phase) -> str:
    lat = ours.all_latencies
    return (f"{ours.rate:>9.0f}{percentile(lat, 0.5) * 1e3:>9.1f}{percentile(lat, 0.99) * 1e3:>9.1f}"
            f"   ceiling {bare.rate:.0f} msg/s, ratio {ours.rate / bare.rate:.2f}, errors {ours.errors}")


# -- storm: thousands of first boots within a minute ---------------------------------------------------------------


def command_storm(args: argparse.Namespace, workdir: Path) -> None:
    stations = _station_names("STORM-", args.stations)
    for backend in _backends(args.backend):
        url = servers.fresh_database(backend, "ocpp_soap_bench_storm", workdir)
        gateway = servers.gateway(url, workdir, args.workers)
        try:
            rate = len(stations) / args.within if args.within > 0 else 0.0
            print(f"# storm on {backend}: {len(stations)} first boots "
                  + (f"spread evenly over {args.within:.0f} s" if rate else "as fast as possible")
                  + f", at most {args.concurrency} in flight")
            print(summary_header())
            phase = measure(f"storm {backend}", gateway, stations, "boot", args, duration=None, rate=rate)
            print_phase(phase)
        finally:
            gateway.stop()
        stored = servers.count_rows(url, "stations")
        answered = len(phase.outcome.latencies.get("BootNotification", []))
        verdict = "OK" if answered == stored == len(stations) else "LOST OR FAILED"
        print(f"storm {backend}: sent {len(stations)}, answered {answered} in {phase.outcome.elapsed:.1f} s, "
              f"stations stored {stored}: {verdict}\n", flush=True)


# -- growth: the same paths on a full database -----------------------------------------------------------------------

API_PATHS = (
    "/api/stations?page=1&per_page=50",
    "/api/stations?page=150&per_page=50",
    "/api/transactions?page=1&per_page=50",
    "/api/transactions?station={station}",
    "/api/transactions/{transaction}",
)


def _api_latencies(port: int, path: str, n: int) -> list[float]:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}", headers={"Authorization": f"Bearer {servers.API_TOKEN}"}
    )
    latencies = []
    for _ in range(n):
        started = time.perf_counter()
        with urllib.request.urlopen(request, timeout=30) as answer:
            answer.read()
            assert answer.status == 200, answer.status
        latencies.append(time.perf_counter() - started)
    return latencies


def command_growth(args: argparse.Namespace, workdir: Path) -> None:
    for backend in _backends(args.backend):
        rows: dict[str, list[str]] = {}
        for state in ("empty", "full"):
            url = servers.fresh_database(backend, f"ocpp_soap_bench_growth_{state}", workdir)
            stations = [fill.station_name(n) for n in range(1, args.stations + 1)]
            if state == "full":
                started = time.perf_counter()
                timings = fill.fill(url, stations=args.fill_stations, meter_values=args.meter_values)
                print(f"# {backend} filled in {time.perf_counter() - started:.0f} s: "
                      + ", ".join(f"{t} {s:.0f} s" for t, s in timings.items())
                      + f"; meter_values rows {servers.count_rows(url, 'meter_values')}, "
                      f"transactions {servers.count_rows(url, 'transactions')}, stations {servers.count_rows(url, 'stations')}",
                      flush=True)
            else:
                servers.add_id_tags(url, [tag_for(s) for s in stations])
            gateway = servers.gateway(url, workdir, args.workers)
            try:
                _warm_up(gateway, stations, args)
                lines = rows.setdefault(state, [])
                for load in ("heartbeat", "meter"):
                    phase = measure(f"{backend} {state} {load}", gateway, stations, load, args, boot_first=False)
                    print(summary_header())
                    print_phase(phase)
                    lat = phase.all_latencies
                    lines.append(f"SOAP {load:<40}{phase.rate:>9.0f} msg/s  p50 {percentile(lat, .5) * 1e3:6.1f} ms"
                                 f"  p99 {percentile(lat, .99) * 1e3:6.1f} ms  errors {phase.errors}")
                for path in API_PATHS:
                    shown = path.format(station=stations[0], transaction=args.sample_transaction)
                    lat = _api_latencies(gateway.port, shown, args.api_requests)
                    lines.append(f"GET {shown:<41}          p50 {percentile(lat, .5) * 1e3:6.1f} ms"
                                 f"  p99 {percentile(lat, .99) * 1e3:6.1f} ms")
            finally:
                gateway.stop()
        for state, lines in rows.items():
            print(f"## growth {backend} {state}")
            print("\n".join(lines), flush=True)


# -- soak: minutes of the mix, then count what was stored --------------------------------------------------------------


def command_soak(args: argparse.Namespace, workdir: Path) -> None:
    stations = _station_names("SOAK-", args.stations)
    for backend in _backends(args.backend):
        url = _prepare(backend, "ocpp_soap_bench_soak", workdir, stations)
        gateway = servers.gateway(url, workdir, args.workers)
        try:
            print(f"# soak on {backend}: mix for {args.minutes} min, {len(stations)} stations", flush=True)
            print(summary_header())
            phase = measure(f"soak {backend}", gateway, stations, "mix", args, duration=args.minutes * 60.0)
            print_phase(phase)
        finally:
            gateway.stop()
        out = phase.outcome
        transactions = servers.count_rows(url, "transactions")
        meter_values = servers.count_rows(url, "meter_values")
        stopped = servers.count_rows(url, "transactions WHERE stopped_at IS NOT NULL")
        unique = len(set(out.transaction_ids)) == len(out.transaction_ids)
        checks = {
            "transactions stored == acknowledged starts": transactions == len(out.transaction_ids),
            "meter values stored == acknowledged values": meter_values == out.meter_values_acked,
            "stopped transactions == acknowledged stops": stopped == out.stops_acked,
            "every transaction id unique": unique,
        }
        print(json.dumps({
            "acknowledged_starts": len(out.transaction_ids), "transactions_stored": transactions,
            "unacknowledged_starts": out.unacked_starts, "acknowledged_meter_values": out.meter_values_acked,
            "meter_values_stored": meter_values, "unacknowledged_meter_values": out.unacked_meter_values,
            "acknowledged_stops": out.stops_acked, "stopped_stored": stopped, "unique_transaction_ids": unique,
        }, indent=1))
        for check, ok in checks.items():
            print(f"{'OK  ' if ok else 'FAIL'} {check}")
        print(flush=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", nargs="?", default="run", choices=["run", "storm", "growth", "soak"])
    parser.add_argument("--backend", default=None, choices=["sqlite", "postgresql", "both"])
    parser.add_argument("--load", default="both", choices=["heartbeat", "mix", "both"])
    parser.add_argument("--duration", type=float, default=20.0, help="seconds per measured phase")
    parser.add_argument("--stations", type=int, default=None)
    parser.add_argument("--concurrency", type=int, default=None, help="requests in flight at most (all processes)")
    parser.add_argument("--rate", type=float, default=0.0, help="open loop: requests per second (0: closed loop)")
    parser.add_argument("--procs", type=int, default=2, help="load generator processes")
    parser.add_argument("--workers", type=int, default=None, help="gunicorn workers (default: the shipped config's)")
    parser.add_argument("--within", type=float, default=60.0, help="storm: seconds over which the boots arrive")
    parser.add_argument("--minutes", type=float, default=10.0, help="soak: minutes of the mix")
    parser.add_argument("--meter-values", type=int, default=10_000_000, help="growth: meter value rows to load")
    parser.add_argument("--fill-stations", type=int, default=10_000, help="growth: stations to load")
    parser.add_argument("--api-requests", type=int, default=100, help="growth: requests per API path")
    parser.add_argument("--sample-transaction", type=int, default=1, help="growth: transaction id to GET")
    parser.add_argument("--workdir", default=None, help="where SQLite files and server logs go (default: a temp dir)")
    args = parser.parse_args(argv)
    defaults = {
        "run": ("both", 300, 32), "storm": ("both", 5000, 256), "growth": ("postgresql", 1000, 32),
        "soak": ("postgresql", 1000, 32),
    }[args.command]
    args.backend = args.backend or defaults[0]
    args.stations = args.stations or defaults[1]
    args.concurrency = args.concurrency or defaults[2]
    if args.workdir:
        Path(args.workdir).mkdir(parents=True, exist_ok=True)
        run_command(args, Path(args.workdir))
    else:
        with tempfile.TemporaryDirectory(prefix="ocpp-soap-bench-") as tmp:
            run_command(args, Path(tmp))


def run_command(args: argparse.Namespace, workdir: Path) -> None:
    {"run": command_run, "storm": command_storm, "growth": command_growth, "soak": command_soak}[args.command](
        args, workdir
    )


if __name__ == "__main__":
    main()

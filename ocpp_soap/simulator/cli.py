"""``ocpp-soap simulate``: run simulated stations against a central system until Ctrl-C or ``--duration``.

``ocpp_soap.cli`` adds the sub-command with :func:`add_simulate_command` and runs it with :func:`run_simulate`.
"""

from __future__ import annotations

import argparse
import sys
import threading
import time
from collections.abc import Sequence
from urllib.parse import urlsplit

from .charger import Timing
from .link import StationProfile
from .sessions import SessionPlan


def add_simulate_command(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:  # type: ignore[type-arg]
    parser = subparsers.add_parser(
        "simulate",
        help="run simulated OCPP SOAP charge points against a central system",
        description="Simulated charge points: they boot, heartbeat and report their connectors, answer every "
        "charge-point operation of their version and react as a charger would; with --sessions they also charge "
        "by themselves. Each station's ChargePointService is at <listen or advertise URL>/ChargePointService/<id>.",
    )
    parser.add_argument("--version", choices=["1.2", "1.5"], default="1.5", help="OCPP version (default 1.5)")
    parser.add_argument("--id", dest="ids", action="append", required=True, metavar="ID",
                        help="chargeBoxIdentity; repeat for several, or give one with --count as a prefix")
    parser.add_argument("--count", type=_positive_int, default=1,
                        help="with one --id: simulate N stations named ID-1 .. ID-N (default 1)")
    parser.add_argument("--central", required=True, metavar="URL",
                        help="the central system's URL, e.g. http://localhost:8080/services/centralSystemServiceOcpp15")
    parser.add_argument("--listen", default="127.0.0.1:0", metavar="HOST:PORT",
                        help="where the stations' ChargePointService listens (default 127.0.0.1, a free port)")
    parser.add_argument("--advertise", default=None, metavar="URL",
                        help="base URL the central system reaches the stations at (default: from --listen)")
    parser.add_argument("--connectors", type=_positive_int, default=2, help="connectors per station (default 2)")
    parser.add_argument("--meter-interval", type=_positive_float, default=60.0,
                        help="seconds between MeterValues while charging (default 60)")
    parser.add_argument("--speedup", type=_positive_float, default=1.0,
                        help="energy time factor: 60 makes a charging minute an hour's energy (default 1)")
    parser.add_argument("--sessions", action="store_true", help="charge by themselves: Authorize, Start, MeterValues, Stop")
    parser.add_argument("--session-duration", type=_positive_float, default=120.0, help="seconds (default 120)")
    parser.add_argument("--session-pause", type=_positive_float, default=300.0,
                        help="seconds between sessions (default 300)")
    parser.add_argument("--tag", dest="tags", action="append", default=None, metavar="IDTAG",
                        help="id tag for sessions; repeat for several (default: T-<id> per station; the central "
                        "system must know the tags)")
    parser.add_argument("--boot-spread", type=_non_negative_float, default=0.0,
                        help="spread the boots over this many seconds (default 0)")
    parser.add_argument("--timeout", type=_positive_float, default=10.0,
                        help="seconds to wait for the central system's answers (default 10)")
    parser.add_argument("--duration", type=_positive_float, default=None,
                        help="stop after this many seconds (default: run until Ctrl-C)")
    return parser


def station_ids(ids: Sequence[str], count: int) -> list[str]:
    """The stations to simulate: the ids given, or with one id and a count, ID-1 .. ID-N (zero-padded)."""
    if count == 1:
        return list(ids)
    if len(ids) != 1:
        raise ValueError("--count needs exactly one --id (the prefix)")
    width = len(str(count))
    return [f"{ids[0]}-{number:0{width}d}" for number in range(1, count + 1)]


def parse_listen(text: str) -> tuple[str, int]:
    host, sep, port = text.rpartition(":")
    if not sep or not port.isdigit() or int(port) > 65535:
        raise ValueError(f"--listen {text!r} is not HOST:PORT")
    return host.strip("[]") or "0.0.0.0", int(port)


def run_simulate(args: argparse.Namespace, stop: threading.Event | None = None) -> int:
    """Run until Ctrl-C, ``--duration`` or ``stop`` (for tests); prints where the stations are and a summary."""
    from ..logging_setup import configure_logging
    from .runner import Simulation

    try:
        ids = station_ids(args.ids, args.count)
        listen = parse_listen(args.listen)
        if urlsplit(args.central).scheme not in ("http", "https"):
            raise ValueError(f"--central {args.central!r} is not an http(s) URL")
    except ValueError as exc:
        print(f"ocpp-soap: {exc}", file=sys.stderr)
        return 2
    configure_logging()
    plan = None
    if args.sessions:
        plan = SessionPlan(duration=args.session_duration, pause=args.session_pause, id_tags=tuple(args.tags or ()))
    simulation = Simulation(
        args.version, ids, args.central, listen=listen, advertise_url=args.advertise,
        profile=StationProfile(connectors=args.connectors),
        timing=Timing(meter_interval=args.meter_interval, energy_speedup=args.speedup),
        sessions=plan, timeout=args.timeout, boot_spread=args.boot_spread,
    )
    try:
        simulation.start()
    except OSError as exc:
        print(f"ocpp-soap: cannot listen on {args.listen}: {exc}", file=sys.stderr)
        return 2
    print(f"simulating {len(ids)} OCPP {args.version} station(s) against {args.central}")
    print(f"their ChargePointService: {simulation.url(ids[0])}" + (" ..." if len(ids) > 1 else ""))
    deadline = None if args.duration is None else time.monotonic() + args.duration
    stop = stop or threading.Event()
    try:
        while not stop.is_set() and (deadline is None or time.monotonic() < deadline):
            stop.wait(0.2 if deadline is None else max(0.0, min(0.2, deadline - time.monotonic())))
    except KeyboardInterrupt:
        pass
    finally:
        simulation.stop()
    counts = simulation.counts()
    accepted = sum(1 for station in simulation.stations.values() if station.accepted)
    print(
        f"stopped: {accepted}/{len(ids)} accepted, {counts.get('boots', 0)} boot(s), "
        f"{counts.get('transactions-started', 0)} transaction(s) started, "
        f"{counts.get('transactions-stopped', 0)} stopped, {counts.get('send-failures', 0)} failed message(s)"
    )
    if counts.get("authorizations-refused"):
        print(f"{counts['authorizations-refused']} session(s) not started: the central system refused the id tag "
              "(it must know the tags; see --tag)")
    return 0


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text} is not a positive whole number")
    return value


def _positive_float(text: str) -> float:
    value = float(text)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"{text} is not a positive number")
    return value


def _non_negative_float(text: str) -> float:
    value = float(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text} is negative")
    return value

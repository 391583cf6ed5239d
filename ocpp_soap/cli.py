"""The ``ocpp-soap`` command: ``serve`` (gunicorn, and the relay when one is configured), ``relay`` (the relay
to an OCPP 1.6-J back office on its own), ``command`` (an operator command toward a station), ``simulate``
(simulated stations), ``wsdl`` (print a generated WSDL), ``db upgrade | init | status``."""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import sys
import tempfile
from collections.abc import Sequence
from typing import Any

from .config import ConfigurationError, Settings


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="ocpp-soap", description="Central system and gateway for OCPP SOAP charging stations")
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="run the gateway under gunicorn")
    serve.add_argument("--bind", default=None, help="HOST:PORT to listen on (default 0.0.0.0:8080 or the --config file's)")
    serve.add_argument("--workers", type=int, default=None, help="worker processes (default: 2 x CPUs + 1, at most 8)")
    serve.add_argument("--worker-class", default=None, help="gunicorn worker class (default: sync)")
    serve.add_argument("--timeout", type=int, default=None, help="seconds before a silent worker is restarted (default 60)")
    serve.add_argument("--config", default=None, help="a gunicorn configuration file (e.g. deploy/gunicorn.conf.py)")

    relay = commands.add_parser("relay", help="run the relay to an OCPP 1.6-J back office (see OCPP_SOAP_RELAY_URL)")
    relay.add_argument("--new-key", action="store_true", help="print a new key for OCPP_SOAP_RELAY_KEY and exit")
    relay.add_argument("--parent", type=int, default=None, help=argparse.SUPPRESS)  # serve's pid: stop with it

    wsdl = commands.add_parser("wsdl", help="print the WSDL this gateway serves for a protocol version")
    wsdl.add_argument("version", choices=_versions())
    wsdl.add_argument(
        "--service", choices=["centralsystem", "chargepoint"], default="centralsystem",
        help="which service's WSDL: the central system's (default) or the charge point's",
    )
    wsdl.add_argument("--url", default=None, help="service address to write (default: the official placeholder)")

    command = commands.add_parser("command", help="send an operator command to a station and print its answer")
    command.add_argument("station", help="the station's chargeBoxIdentity")
    command.add_argument("operation", help="the OCPP operation, e.g. RemoteStartTransaction, Reset, GetConfiguration")
    command.add_argument(
        "fields", nargs="*", metavar="key=value",
        help="request fields under their OCPP names; repeat a key for a list; JSON for nested values",
    )

    db = commands.add_parser("db", help="database schema: apply migrations, show where the database stands")
    db.add_argument(
        "action", choices=["upgrade", "init", "status"],
        help="upgrade: apply every pending migration (creates the schema in an empty database); "
        "init: the same as upgrade; status: print the schema revision and exit 1 unless it is current",
    )

    from .simulator.cli import add_simulate_command, run_simulate

    add_simulate_command(commands)
    from .accounts_cli import add_user_command, run_user

    add_user_command(commands)

    args = parser.parse_args(argv)
    if args.command == "simulate":
        return run_simulate(args)  # the simulator is not the gateway: it does not read OCPP_SOAP_* settings
    try:
        settings = Settings.from_env()
    except ConfigurationError as exc:
        print(f"ocpp-soap: configuration error: {exc}", file=sys.stderr)
        return 2
    if args.command == "serve":
        return _serve(settings, args)
    if args.command == "relay":
        return _relay(settings, args)
    if args.command == "wsdl":
        from .soap.edge import CENTRAL_SYSTEM, CHARGE_POINT, edge_for_number
        from .soap.wsdl import render_wsdl

        service = CHARGE_POINT if args.service == "chargepoint" else CENTRAL_SYSTEM
        sys.stdout.write(render_wsdl(edge_for_number(args.version), service, args.url).decode("utf-8"))
        return 0
    if args.command == "command":
        return _command(settings, args.station, args.operation, args.fields)
    if args.command == "db":
        return _db(settings, args.action)
    if args.command == "user":
        return run_user(settings, args)
    return 1


def _db(settings: Settings, action: str) -> int:
    from .logging_setup import configure_logging
    from .persistence import schema
    from .persistence.database import create_database_engine

    configure_logging("WARNING")
    engine = create_database_engine(settings.database_url)
    try:
        status = schema.status(engine) if action == "status" else schema.upgrade(engine)
    except schema.SchemaNotCurrent as exc:
        print(f"ocpp-soap: {exc}", file=sys.stderr)
        return 1
    finally:
        engine.dispose()
    print(status.describe())
    return 0 if status.state is schema.SchemaState.CURRENT else 1


def _parse_fields(pairs: Sequence[str]) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for pair in pairs:
        key, sep, raw = pair.partition("=")
        if not sep or not key:
            raise ValueError(f"{pair!r} is not key=value")
        value: Any = json.loads(raw) if raw[:1] in "[{" else raw
        if key in fields:
            previous = fields[key]
            fields[key] = [*previous, value] if isinstance(previous, list) else [previous, value]
        else:
            fields[key] = value
    return fields


def _command(settings: Settings, station: str, operation: str, pairs: Sequence[str]) -> int:
    from .bootstrap import bootstrap
    from .domain.errors import DomainError
    from .logging_setup import configure_logging
    from .operations import parse_request

    configure_logging("WARNING")
    try:
        request = parse_request(station, operation, _parse_fields(pairs))
    except (DomainError, ValueError) as exc:
        print(f"ocpp-soap: {exc}", file=sys.stderr)
        return 2
    from .persistence.schema import SchemaNotCurrent

    try:
        gateway = bootstrap(settings)
    except SchemaNotCurrent as exc:
        print(f"ocpp-soap: {exc}", file=sys.stderr)
        return 2
    try:
        result = gateway.bus.handle(request)
    except DomainError as exc:
        print(f"ocpp-soap: {exc}", file=sys.stderr)
        return 2
    finally:
        gateway.close()
    from .operations.results import call_report

    report = {**call_report(request, result), "error": result.error}
    print(json.dumps(report, indent=2, default=str))
    return 0 if result.answered else 1


def _versions() -> list[str]:
    from .domain.versions import Protocol

    return [protocol.number for protocol in Protocol]


def _relay(settings: Settings, args: argparse.Namespace) -> int:
    if args.new_key:
        from .relay.secrets import new_key

        print(new_key())
        return 0
    import logging

    from .logging_setup import configure_logging
    from .relay.process import run_relay

    configure_logging()
    logging.getLogger("ocpp").setLevel(logging.WARNING)  # the library logs every frame at INFO
    return run_relay(settings, parent=args.parent)


def _serve(settings: Settings, args: argparse.Namespace) -> int:
    from gunicorn.app.base import Application

    from .bootstrap import ensure_schema
    from .logging_setup import configure_logging
    from .persistence.database import create_database_engine
    from .persistence.schema import SchemaNotCurrent

    configure_logging()
    # Check the schema once, in the master, before any worker starts (and create it in an empty SQLite file).
    engine = create_database_engine(settings.database_url)
    try:
        ensure_schema(engine)
    except SchemaNotCurrent as exc:
        print(f"ocpp-soap: {exc}", file=sys.stderr)
        return 2
    finally:
        engine.dispose()

    workers = args.workers or min(2 * multiprocessing.cpu_count() + 1, 8)

    class GatewayServer(Application):  # type: ignore[misc]
        def init(self, parser: Any, opts: Any, arguments: Any) -> None:
            return None  # the configuration comes from load_config, not from gunicorn's own command line

        def load_config(self) -> None:
            if args.config:
                self.load_config_from_file(args.config)  # its settings and hooks (metrics directory, child_exit)
            else:
                defaults = {"bind": "0.0.0.0:8080", "worker_class": "sync", "timeout": 60, "workers": workers}
                for key, value in defaults.items():
                    self.cfg.set(key, value)
                # Workers keep their metrics in one directory, so that /metrics adds up all of them.
                os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", tempfile.mkdtemp(prefix="ocpp-soap-metrics-"))
                self.cfg.set("child_exit", _metrics_child_exit)
                if "control_socket_disable" in self.cfg.settings:
                    # gunicorn >= 25.1 would open a control socket in ~/.gunicorn, shared by every instance.
                    self.cfg.set("control_socket_disable", True)
            given = {"bind": args.bind, "worker_class": args.worker_class, "timeout": args.timeout, "workers": args.workers}
            for key, value in given.items():
                if value is not None:
                    self.cfg.set(key, value)

        def load(self) -> Any:
            from .bootstrap import bootstrap
            from .wsgi import create_app

            # The master checked the schema before forking. A worker must start without the database: one
            # replaced while the database is away would otherwise fail to boot, and gunicorn then stops entirely.
            return create_app(settings, gateway=bootstrap(settings, create_tables=False))

    from .relay.process import EmbeddedRelay, wants_embedded_relay

    relay = EmbeddedRelay().start() if wants_embedded_relay(settings) else None
    try:
        GatewayServer().run()
    finally:
        if relay is not None:
            relay.stop()
    return 0


def _metrics_child_exit(server: Any, worker: Any) -> None:
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


if __name__ == "__main__":
    sys.exit(main())

"""In-process cost per message: the full gateway WSGI app against a bare lxml handler (the practical ceiling).

    python tests/bench/inprocess.py [--n 2000] [--database-url URL]

Prints microseconds per message (elapsed and CPU of this process) and messages per second for Heartbeat and
MeterValues through the gateway (a SQLite file, or the database at ``--database-url``, e.g. an empty migrated
PostgreSQL database; an accepted station is added) and for a bare handler that parses the same envelope with lxml
and writes the same answer with no framework and no database, measured in the same run. The CPU figure leaves out
the database server's own work, so it is the one to compare between two versions of the code. Not a test: figures,
not assertions.
"""

from __future__ import annotations

import argparse
import io
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from lxml import etree

from ocpp_soap.bootstrap import bootstrap
from ocpp_soap.config import Settings
from ocpp_soap.domain.model import RegistrationStatus, Station
from ocpp_soap.logging_setup import quiet_spyne
from ocpp_soap.wsgi import create_app

PATH = "/services/centralSystemServiceOcpp15"
HEARTBEAT = (
    '<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:a="http://www.w3.org/2005/08/addressing" '
    'xmlns:c="urn://Ocpp/Cs/2012/06/"><s:Header><c:chargeBoxIdentity>BENCH</c:chargeBoxIdentity>'
    "<a:Action>/Heartbeat</a:Action><a:MessageID>urn:uuid:{id}</a:MessageID>"
    "<a:From><a:Address>http://127.0.0.1:9/cp</a:Address></a:From></s:Header>"
    "<s:Body><c:heartbeatRequest/></s:Body></s:Envelope>"
)
METER = HEARTBEAT.replace(
    "<c:heartbeatRequest/>",
    "<c:meterValuesRequest><c:connectorId>1</c:connectorId><c:values><c:timestamp>2026-11-24T10:00:00Z</c:timestamp>"
    '<c:value unit="Wh" measurand="Energy.Active.Import.Register">1234</c:value></c:values></c:meterValuesRequest>',
)


def bare_app(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
    body = environ["wsgi.input"].read(int(environ["CONTENT_LENGTH"]))
    root = etree.fromstring(body, etree.XMLParser(resolve_entities=False, no_network=True))
    header, payload = root[0], root[1][0]
    message_id = header.findtext("{http://www.w3.org/2005/08/addressing}MessageID")
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    name = etree.QName(payload).localname.replace("Request", "Response")
    inner = f"<c:currentTime>{now}</c:currentTime>" if name == "heartbeatResponse" else ""
    answer = (
        '<?xml version="1.0" encoding="utf-8"?><s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" '
        'xmlns:a="http://www.w3.org/2005/08/addressing" xmlns:c="urn://Ocpp/Cs/2012/06/"><s:Header>'
        f"<a:Action>/{name[0].upper()}{name[1:]}</a:Action><a:MessageID>urn:uuid:{uuid.uuid4()}</a:MessageID>"
        f"<a:RelatesTo>{message_id}</a:RelatesTo></s:Header><s:Body><c:{name}>{inner}</c:{name}></s:Body></s:Envelope>"
    ).encode()
    start_response("200 OK", [("Content-Type", "application/soap+xml"), ("Content-Length", str(len(answer)))])
    return [answer]


def measure(app: Callable[..., Any], template: str, n: int) -> tuple[float, float]:
    """Seconds per message: elapsed, and CPU time of this process (best of three rounds of ``n``)."""

    def once() -> None:
        body = template.format(id=uuid.uuid4()).encode()
        environ = {
            "REQUEST_METHOD": "POST", "PATH_INFO": PATH, "CONTENT_TYPE": "application/soap+xml; charset=utf-8",
            "CONTENT_LENGTH": str(len(body)), "wsgi.input": io.BytesIO(body), "wsgi.url_scheme": "http",
            "HTTP_HOST": "bench",
        }
        status: list[str] = []
        b"".join(app(environ, lambda s, h: status.append(s)))
        assert status[0].startswith("200"), status

    for _ in range(min(200, n)):
        once()
    rounds = []
    for _ in range(3):
        started, cpu_started = time.perf_counter(), time.process_time()
        for _ in range(n):
            once()
        rounds.append(((time.perf_counter() - started) / n, (time.process_time() - cpu_started) / n))
    return min(rounds)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--database-url", help="a migrated, empty database (default: a fresh SQLite file)")
    args = parser.parse_args()
    quiet_spyne()
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(database_url=args.database_url or f"sqlite:///{Path(tmp) / 'bench.sqlite3'}")
        gateway = bootstrap(settings)
        with gateway.uow_factory() as uow:
            if uow.stations.get("BENCH") is None:
                uow.stations.add(Station("BENCH", RegistrationStatus.ACCEPTED))
            uow.commit()
        app = create_app(settings, gateway=gateway)
        print(f"# {gateway.engine.dialect.name}, best of 3 rounds of {args.n}")
        print(f"{'case':<32}{'us/msg':>8}{'cpu us':>8}{'msg/s':>8}{'ratio':>7}")
        for label, template in (("Heartbeat", HEARTBEAT), ("MeterValues (1 value)", METER)):
            ceiling, ceiling_cpu = measure(bare_app, template, args.n)
            ours, ours_cpu = measure(app, template, args.n)
            print(f"{'bare lxml ' + label:<32}{ceiling * 1e6:>8.0f}{ceiling_cpu * 1e6:>8.0f}{1 / ceiling:>8.0f}{'1.00':>7}")
            print(f"{'gateway ' + label:<32}{ours * 1e6:>8.0f}{ours_cpu * 1e6:>8.0f}{1 / ours:>8.0f}"
                  f"{ceiling / ours:>7.2f}")
        gateway.engine.dispose()


if __name__ == "__main__":
    main()

"""What the relay costs and holds: latency it adds to an answered operation, and stations and messages per
second one relay process carries.

    python tests/bench/relay.py latency  [--n 500]        [--database-url URL]
    python tests/bench/relay.py capacity [--stations 2000] [--messages 20000] [--database-url URL]

``latency``: Authorize requests of one 1.5 station through the gateway's WSGI app in this process (no HTTP), first
with the station relayed (the back office answers; the worker asks the relay process and waits), then with relaying
turned off for it; prints p50/p99 of both and the difference. ``capacity``: N stations stored, one ``ocpp-soap
relay`` process opens a WebSocket for each (and registers it with a BootNotification), then M StatusNotifications
are queued at once and the relay sends them all; prints the time to connect, the relay's memory per socket, and
messages per second with the relay's CPU. The back office (mobilityhouse ``ocpp`` on ``websockets``) and the relay
each run in a process of their own, on loopback. Without ``--database-url`` a temporary SQLite file is used; with
it, an empty database (it is migrated). Not a test: figures, not assertions.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import create_engine, func, insert, select, text

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from ocpp_soap.config import RelaySettings, Settings  # noqa: E402
from ocpp_soap.persistence.database import create_database_engine  # noqa: E402
from ocpp_soap.persistence.relay_orm import RelayLinkRow, RelayOutboxRow, RelayStationRow  # noqa: E402
from ocpp_soap.persistence.schema import upgrade  # noqa: E402

PATH = "/services/centralSystemServiceOcpp15"
AUTHORIZE = (
    '<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:a="http://www.w3.org/2005/08/addressing" '
    'xmlns:c="urn://Ocpp/Cs/2012/06/"><s:Header><c:chargeBoxIdentity>{cb}</c:chargeBoxIdentity>'
    "<a:Action>/Authorize</a:Action><a:MessageID>urn:uuid:{id}</a:MessageID>"
    "<a:From><a:Address>http://127.0.0.1:9/cp</a:Address></a:From></s:Header>"
    "<s:Body><c:authorizeRequest><c:idTag>TAG1</c:idTag></c:authorizeRequest></s:Body></s:Envelope>"
)
BOOT = AUTHORIZE.replace("/Authorize", "/BootNotification").replace(
    "<c:authorizeRequest><c:idTag>TAG1</c:idTag></c:authorizeRequest>",
    "<c:bootNotificationRequest><c:chargePointVendor>V</c:chargePointVendor><c:chargePointModel>M</c:chargePointModel>"
    "</c:bootNotificationRequest>",
)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def database(url: str | None, workdir: Path) -> str:
    url = url or f"sqlite:///{workdir / 'relay-bench.sqlite3'}"
    engine = create_database_engine(url)
    upgrade(engine)
    engine.dispose()
    return url


# -- the back office and the relay, each in a process of its own ---------------------------------------------------


def back_office_main(ready: Path) -> None:
    import ocpp.messages

    from tests.relay.back_office import BackOffice

    ocpp.messages.ASYNC_VALIDATION = False
    office = BackOffice().start()
    ready.write_text(office.url)
    while True:
        time.sleep(3600)


def start_back_office(workdir: Path) -> tuple[subprocess.Popen[bytes], str]:
    ready = workdir / f"office-{uuid.uuid4().hex[:6]}"
    process = subprocess.Popen([sys.executable, __file__, "back-office", str(ready)], cwd=REPO)
    deadline = time.monotonic() + 30
    while not ready.exists() or not ready.read_text():
        if time.monotonic() > deadline or process.poll() is not None:
            raise SystemExit("the back office did not start")
        time.sleep(0.05)
    return process, ready.read_text()


def start_relay(url: str, office: str, workdir: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "OCPP_SOAP_DATABASE_URL": url, "OCPP_SOAP_RELAY_URL": office, "OCPP_SOAP_LOG_LEVEL": "WARNING",
           "OCPP_SOAP_RELAY_RECONNECT_MAX": "5"}
    log = (workdir / "relay.log").open("ab")
    return subprocess.Popen([sys.executable, "-m", "ocpp_soap.cli", "relay"], env=env, stdout=log,
                            stderr=subprocess.STDOUT, cwd=REPO)


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def machine_busy() -> float:
    """CPU seconds the whole machine spent busy so far (all cores)."""
    fields = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = fields[3] + fields[4]
    return (sum(fields) - idle) / os.sysconf("SC_CLK_TCK")


def stop(*processes: subprocess.Popen[bytes]) -> None:
    for process in processes:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                process.kill()


# -- latency -------------------------------------------------------------------------------------------------


def latency(args: argparse.Namespace, workdir: Path) -> None:
    import io

    from ocpp_soap.bootstrap import bootstrap
    from ocpp_soap.logging_setup import quiet_spyne
    from ocpp_soap.wsgi import create_app

    quiet_spyne()
    url = database(args.database_url, workdir)
    office, office_url = start_back_office(workdir)
    relay = start_relay(url, office_url, workdir)
    settings = Settings(database_url=url, auto_accept=True, relay=RelaySettings(url=office_url))
    app = create_app(settings, gateway=bootstrap(settings))

    def post(body: str) -> tuple[int, bytes]:
        data = body.encode()
        status: list[str] = []
        environ = {"REQUEST_METHOD": "POST", "PATH_INFO": PATH, "CONTENT_TYPE": "application/soap+xml",
                   "CONTENT_LENGTH": str(len(data)), "wsgi.input": io.BytesIO(data), "REMOTE_ADDR": "127.0.0.1",
                   "SERVER_NAME": "bench", "SERVER_PORT": "80", "wsgi.url_scheme": "http"}
        answer = b"".join(app(environ, lambda s, h, *_: status.append(s)))
        return int(status[0].split()[0]), answer

    try:
        engine = create_engine(url)
        deadline = time.monotonic() + 30
        while True:  # the relay is up once it wrote its lease
            with engine.connect() as connection:
                if connection.execute(text("SELECT count(*) FROM relay_nodes")).scalar():
                    break
            if time.monotonic() > deadline:
                raise SystemExit("the relay did not start")
            time.sleep(0.1)
        post(BOOT.format(cb="LAT1", id=uuid.uuid4()))
        deadline = time.monotonic() + 30
        while True:
            with engine.connect() as connection:
                if connection.execute(select(RelayLinkRow.connected).where(RelayLinkRow.charge_box_id == "LAT1")
                                      ).scalar():
                    break
            if time.monotonic() > deadline:
                raise SystemExit("the station's link did not open")
            time.sleep(0.1)
        figures = {}
        for label in ("relayed", "not relayed"):
            if label == "not relayed":
                with engine.begin() as connection:
                    connection.execute(insert(RelayStationRow).values(
                        charge_box_id="LAT1", enabled=False, url=None, password=None, updated_at=datetime.now(UTC)))
                time.sleep(2.5)  # the workers' view of the settings refreshes every 2 s
            samples = []
            for _ in range(args.n):
                started = time.perf_counter()
                status, answer = post(AUTHORIZE.format(cb="LAT1", id=uuid.uuid4()))
                samples.append((time.perf_counter() - started) * 1000)
                assert status == 200, answer[:300]
            figures[label] = samples
        forwarded = engine.connect().execute(text(
            "SELECT count FROM relay_counters WHERE operation = 'Authorize' AND outcome = 'forwarded'")).scalar()
        print(f"database: {engine.dialect.name}; {args.n} Authorize requests each; answered by the back office: "
              f"{forwarded}")
        for label, samples in figures.items():
            print(f"  {label:12s} p50 {percentile(samples, 0.5):6.2f} ms   p99 {percentile(samples, 0.99):6.2f} ms")
        relayed, plain = figures["relayed"], figures["not relayed"]
        print(f"  added by the relay: p50 {percentile(relayed, 0.5) - percentile(plain, 0.5):+.2f} ms, "
              f"p99 {percentile(relayed, 0.99) - percentile(plain, 0.99):+.2f} ms")
    finally:
        stop(relay, office)


# -- capacity ------------------------------------------------------------------------------------------------


def capacity(args: argparse.Namespace, workdir: Path) -> None:
    url = database(args.database_url, workdir)
    engine = create_engine(url)
    now = datetime.now(UTC)
    ids = [f"CAP{n:05d}" for n in range(args.stations)]
    with engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO stations (charge_box_id, registration_status, protocol, boot_count, charge_point_vendor, "
            "charge_point_model, last_seen_at) VALUES (:id, 'Accepted', 'ocpp1.5-soap', 1, 'V', 'M', :now)"),
            [{"id": cb, "now": now} for cb in ids])
    office, office_url = start_back_office(workdir)
    relay = start_relay(url, office_url, workdir)
    try:
        started = time.monotonic()
        connected = 0
        while connected < args.stations:
            with engine.connect() as connection:
                connected = connection.execute(select(func.count()).select_from(RelayLinkRow)
                                               .where(RelayLinkRow.connected.is_(True))).scalar() or 0
            if time.monotonic() - started > 600:
                raise SystemExit(f"only {connected} of {args.stations} connected after 600 s")
            time.sleep(0.25)
        opened = time.monotonic() - started
        registered = 0
        while registered < args.stations:  # every link sent its BootNotification first
            with engine.connect() as connection:
                registered = connection.execute(select(func.count()).select_from(RelayLinkRow)
                                                .where(RelayLinkRow.registration == "Accepted")).scalar() or 0
            time.sleep(0.25)
        time.sleep(2)
        rss = rss_mib(relay.pid)
        idle_cpu = cpu_seconds(relay.pid)
        time.sleep(10)
        idle = (cpu_seconds(relay.pid) - idle_cpu) / 10
        print(f"database: {engine.dialect.name}; {args.stations} stations connected and registered in {opened:.1f} s; "
              f"relay RSS {rss:.0f} MiB ({rss * 1024 / args.stations:.0f} KiB per station incl. the interpreter); "
              f"idle CPU {idle * 100:.1f} % of a core (pings every 20 s)")
        payload = {"connectorId": 1, "errorCode": "NoError", "status": "Available", "timestamp": now.isoformat()}
        rows = [{"charge_box_id": ids[n % len(ids)], "action": "StatusNotification", "payload": payload,
                 "origin": "station", "state": "queued", "created_at": now, "attempts": 0}
                for n in range(args.messages)]
        cpu_before = cpu_seconds(relay.pid)
        office_before = cpu_seconds(office.pid)
        busy_before = machine_busy()
        started = time.monotonic()
        with engine.begin() as connection:
            connection.execute(insert(RelayOutboxRow), rows)
        left = args.messages
        while left:
            with engine.connect() as connection:
                left = connection.execute(select(func.count()).select_from(RelayOutboxRow)
                                          .where(RelayOutboxRow.state == "queued")).scalar() or 0
            time.sleep(0.2)
        elapsed = time.monotonic() - started
        cpu = cpu_seconds(relay.pid) - cpu_before
        office_cpu = cpu_seconds(office.pid) - office_before
        busy = machine_busy() - busy_before
        print(f"  {args.messages} queued messages sent and acknowledged in {elapsed:.1f} s: "
              f"{args.messages / elapsed:.0f} msg/s; relay CPU {cpu:.1f} s ({cpu / elapsed * 100:.0f} % of a core, "
              f"{cpu / args.messages * 1000:.2f} ms per message incl. its acknowledgement in the database); "
              f"back office CPU {office_cpu / elapsed * 100:.0f} % of a core; machine "
              f"{busy / elapsed / os.cpu_count() * 100:.0f} % busy ({os.cpu_count()} cores)")
    finally:
        stop(relay, office)


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[1] == "back-office":
        back_office_main(Path(sys.argv[2]))
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("what", choices=["latency", "capacity"])
    parser.add_argument("--n", type=int, default=500)
    parser.add_argument("--stations", type=int, default=2000)
    parser.add_argument("--messages", type=int, default=20000)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as workdir:
        (latency if args.what == "latency" else capacity)(args, Path(workdir))


if __name__ == "__main__":
    main()

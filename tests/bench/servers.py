"""What the benchmark runs against: a fresh database, the gateway under gunicorn with the shipped configuration
(``ocpp-soap serve --config deploy/gunicorn.conf.py``), and the bare ceiling handler under the same configuration.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine, create_engine, insert, text

from ocpp_soap.persistence.orm import IdTagRow

REPO = Path(__file__).resolve().parents[2]
CONFIG = REPO / "deploy" / "gunicorn.conf.py"
BIN = Path(sys.executable).parent
PG_URL = os.environ.get(
    "OCPP_SOAP_BENCH_PG", "postgresql+psycopg://ocpp_soap_ci:ocpp_soap_ci@127.0.0.1:5432/ocpp_soap_ci"
)
API_TOKEN = "bench-token-0123456789abcdef"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def fresh_database(backend: str, name: str, workdir: Path) -> str:
    """A database at the newest schema (``ocpp-soap db upgrade``): a new SQLite file, or a dropped and recreated
    PostgreSQL database ``name``."""
    if backend == "sqlite":
        path = workdir / f"{name}.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        url = f"sqlite:///{path}"
    else:
        admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        url = PG_URL.rsplit("/", 1)[0] + f"/{name}"
    subprocess.run(
        [str(BIN / "ocpp-soap"), "db", "upgrade"], env={**os.environ, "OCPP_SOAP_DATABASE_URL": url},
        check=True, capture_output=True, cwd=workdir,
    )
    return url


def engine_for(url: str) -> Engine:
    return create_engine(url)


def add_id_tags(url: str, tags: list[str]) -> None:
    engine = engine_for(url)
    with engine.begin() as connection:
        connection.execute(insert(IdTagRow), [{"id_tag": t, "status": "Accepted"} for t in tags])
    engine.dispose()


def count_rows(url: str, table: str) -> int:
    engine = engine_for(url)
    with engine.connect() as connection:
        value = connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()
    engine.dispose()
    return int(value)


@dataclass
class Server:
    """A gunicorn process (the shipped configuration) on a loopback port, its output in a file."""

    label: str
    argv: list[str]
    workdir: Path
    env: dict[str, str] = field(default_factory=dict)
    port: int = field(default_factory=free_port)

    def start(self) -> Server:
        self.log = self.workdir / f"{self.label}-{self.port}.log"
        environment = {**os.environ, "OCPP_SOAP_BIND": f"127.0.0.1:{self.port}", **self.env}
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                self.argv, env=environment, stdout=log, stderr=subprocess.STDOUT, cwd=REPO, start_new_session=True
            )
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/healthz", timeout=2) as answer:
                    if answer.status == 200:
                        return self
            except OSError:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"{self.label} did not start:\n{self.log.read_text(errors='replace')[-3000:]}")
            time.sleep(0.2)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)


def gateway(database_url: str, workdir: Path, workers: int | None = None, **env: str) -> Server:
    """``ocpp-soap serve --config deploy/gunicorn.conf.py``: the shipped settings, workers from it unless given."""
    argv = [str(BIN / "ocpp-soap"), "serve", "--config", str(CONFIG)]
    if workers:
        argv += ["--workers", str(workers)]
    environment = {
        "OCPP_SOAP_DATABASE_URL": database_url, "OCPP_SOAP_AUTO_ACCEPT": "true", "OCPP_SOAP_API_TOKEN": API_TOKEN,
        **env,
    }
    return Server("gateway", argv, workdir, environment).start()


def ceiling(workdir: Path, workers: int | None = None) -> Server:
    """The bare lxml handler under the same gunicorn configuration file."""
    argv = [str(BIN / "gunicorn"), "-c", str(CONFIG)]
    if workers:
        argv += ["--workers", str(workers)]
    return Server("ceiling", argv + ["tests.bench.ceiling:app"], workdir).start()


_TICK = os.sysconf("SC_CLK_TCK")


def _stat(pid: str) -> tuple[str, int, float, float] | None:
    """(command, parent pid, CPU seconds, CPU seconds of its reaped children) of a process, from /proc/PID/stat."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    command = text[text.index("(") + 1 : text.rindex(")")]
    fields = text[text.rindex(")") + 2 :].split()
    return command, int(fields[1]), (int(fields[11]) + int(fields[12])) / _TICK, (int(fields[13]) + int(fields[14])) / _TICK


def cpu_seconds(server_pid: int) -> dict[str, dict[int, float]]:
    """CPU seconds used so far by the server's process tree (gunicorn master, its workers and the workers it
    replaced after max_requests) and by PostgreSQL (every ``postgres`` process on the machine, whoever it serves)."""
    stats = {pid: _stat(pid) for pid in os.listdir("/proc") if pid.isdigit()}
    children: dict[int, list[int]] = {}
    for pid, stat in stats.items():
        if stat is not None:
            children.setdefault(stat[1], []).append(int(pid))
    tree, todo = set(), [server_pid]
    while todo:
        pid = todo.pop()
        tree.add(pid)
        todo.extend(children.get(pid, []))
    totals: dict[str, dict[int, float]] = {"server": {}, "postgres": {}}
    for pid, stat in stats.items():
        if stat is None:
            continue
        if int(pid) in tree:
            totals["server"][int(pid)] = stat[2] + (stat[3] if int(pid) == server_pid else 0.0)
        elif stat[0] == "postgres":
            totals["postgres"][int(pid)] = stat[2]
    return totals


def cpu_used(before: dict[str, dict[int, float]], after: dict[str, dict[int, float]]) -> dict[str, float]:
    """CPU seconds per group between two samples; a process that was not there before counts from zero, one
    that ended meanwhile (a test's PostgreSQL backend) is left out."""
    return {name: sum(s - before[name].get(pid, 0.0) for pid, s in after[name].items()) for name in after}


def machine_busy() -> tuple[float, float]:
    """(busy, total) CPU jiffies of the whole machine so far, from /proc/stat."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]
    return float(sum(fields) - idle), float(sum(fields))

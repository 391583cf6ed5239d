"""Real servers for the deployment tests: gunicorn with ``deploy/gunicorn.conf.py``, and Debian's nginx with the
shipped site adapted to loopback test ports, a self-signed certificate and a prefix in a temporary directory."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import free_port, terminate, wait_until_healthy

REPO = Path(__file__).resolve().parents[2]
DEPLOY = REPO / "deploy"
BIN = Path(sys.executable).parent / "ocpp-soap"


def gateway_env(directory: Path, **settings: str) -> dict[str, str]:
    """The environment of a gateway whose database and metrics live in ``directory``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OCPP_SOAP_", "PROMETHEUS_"))}
    env.update(
        OCPP_SOAP_DATABASE_URL=f"sqlite:///{directory / 'gateway.sqlite3'}",
        PROMETHEUS_MULTIPROC_DIR=str(directory / "metrics"),
        PYTHONPATH=str(REPO),
    )
    env.update(settings)
    return env


class Gunicorn:
    """``gunicorn -c deploy/gunicorn.conf.py ocpp_soap.wsgi:app`` on a loopback port."""

    def __init__(self, directory: Path, workers: int, **settings: str) -> None:
        self.directory = directory
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = gateway_env(
            directory, OCPP_SOAP_BIND=f"127.0.0.1:{self.port}", OCPP_SOAP_WORKERS=str(workers), **settings
        )
        self.log = directory / "gunicorn.log"
        # The schema first, as an operator does (ocpp-soap db upgrade): workers never race to create it.
        subprocess.run([str(BIN), "db", "upgrade"], env=self.env, cwd=directory, check=True, capture_output=True)
        with self.log.open("wb") as out:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "-c", str(DEPLOY / "gunicorn.conf.py"), "ocpp_soap.wsgi:app"],
                env=self.env, cwd=REPO, stdout=out, stderr=subprocess.STDOUT,
            )
        self._wait()

    def _wait(self) -> None:
        wait_until_healthy(self.url, self.proc, self.output, on_failure=self.stop)

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def stop(self) -> None:
        terminate(self.proc)


def nginx_binary() -> str:
    found = shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if os.access(p, os.X_OK)), None)
    if found is None:
        pytest.skip("nginx is not installed (apt-get install nginx): the gunicorn + nginx deployment test needs it")
    return found


def self_signed_certificate(directory: Path) -> tuple[Path, Path]:
    """A certificate for localhost, 127.0.0.1 and ocpp.example.test, made with openssl."""
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("openssl is not installed (apt-get install openssl): the TLS listener needs a certificate")
    cert, key = directory / "cert.pem", directory / "key.pem"
    subprocess.run(
        [openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=localhost",
         "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1,DNS:ocpp.example.test",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )
    return cert, key


def adapt_site(site: str, *, upstream: int, http: int, https: int, cert: Path, key: Path, webroot: Path) -> str:
    """The shipped site on loopback test ports; every replacement must apply, so a changed site fails loudly."""
    replacements = [
        ("server 127.0.0.1:8080;", f"server 127.0.0.1:{upstream};"),
        ("listen 80;", f"listen 127.0.0.1:{http};"),
        ("listen 443 ssl;", f"listen 127.0.0.1:{https} ssl;"),
        ("/etc/letsencrypt/live/ocpp.example.com/fullchain.pem", str(cert)),
        ("/etc/letsencrypt/live/ocpp.example.com/privkey.pem", str(key)),
        ("root /var/www/letsencrypt;", f"root {webroot};"),
    ]
    for old, new in replacements:
        assert old in site, f"deploy/nginx/ocpp-soap.conf no longer contains {old!r}: update the test's adaptation"
        site = site.replace(old, new)
    return "\n".join(line for line in site.splitlines() if "listen [::]" not in line) + "\n"


class Nginx:
    """Debian's nginx in the foreground with a generated nginx.conf that includes the adapted site."""

    def __init__(self, directory: Path, upstream: int) -> None:
        binary = nginx_binary()
        self.directory = directory
        self.http_port, self.https_port = free_port(), free_port()
        self.cert, key = self_signed_certificate(directory)
        (directory / "webroot").mkdir()
        site = adapt_site(
            (DEPLOY / "nginx" / "ocpp-soap.conf").read_text(), upstream=upstream, http=self.http_port,
            https=self.https_port, cert=self.cert, key=key, webroot=directory / "webroot",
        )
        (directory / "ocpp-soap.conf").write_text(site)
        temp = "\n".join(
            f"    {kind}_temp_path {directory / kind};" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
        )
        user = "user root root;\n" if os.geteuid() == 0 else ""
        self.access_log = directory / "access.log"
        (directory / "nginx.conf").write_text(
            f"{user}worker_processes 1;\ndaemon off;\npid {directory / 'nginx.pid'};\n"
            f"error_log {directory / 'error.log'} warn;\n"
            "events { worker_connections 256; }\n"
            "http {\n"
            f"    access_log {self.access_log};\n{temp}\n"
            f"    include {directory / 'ocpp-soap.conf'};\n"
            "}\n"
        )
        self.proc = subprocess.Popen(
            [binary, "-c", str(directory / "nginx.conf"), "-p", str(directory), "-e", str(directory / "error.log")],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        )
        self._wait()

    def _wait(self) -> None:
        deadline = time.monotonic() + 15
        while True:
            try:
                with socket.create_connection(("127.0.0.1", self.https_port), timeout=1):
                    with socket.create_connection(("127.0.0.1", self.http_port), timeout=1):
                        return
            except OSError:
                pass
            if self.proc.poll() is not None or time.monotonic() > deadline:
                out = self.proc.stdout.read().decode(errors="replace") if self.proc.stdout else ""
                self.stop()
                errors = (self.directory / "error.log").read_text(errors="replace") if (self.directory / "error.log").exists() else ""
                pytest.fail(f"nginx did not start:\n{out}\n{errors}")
            time.sleep(0.1)

    def url(self, scheme: str) -> str:
        return f"{scheme}://127.0.0.1:{self.http_port if scheme == 'http' else self.https_port}"

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGQUIT)  # graceful
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)

"""gunicorn settings for ocpp-soap: ``ocpp-soap serve --config deploy/gunicorn.conf.py``
(or ``gunicorn -c deploy/gunicorn.conf.py ocpp_soap.wsgi:app``).

Sync workers: station requests are short and CPU-bound, and nginx in front buffers slow uploads, so a worker is
only busy while a request is really being handled. A worker that sends an operator command to a station waits
for that station (OCPP_SOAP_COMMAND_TIMEOUT plus 5 s to connect), so the worker timeout leaves room for it.

Environment read here (besides the OCPP_SOAP_* settings the application reads):
  OCPP_SOAP_BIND            where gunicorn listens (default 127.0.0.1:8080: nginx is in front)
  OCPP_SOAP_WORKERS         worker processes (default 2 x CPUs + 1, at most 8)
  OCPP_SOAP_ACCESS_LOG      "-" (stdout, the default: journald keeps it), a file, or "off"
  PROMETHEUS_MULTIPROC_DIR  where workers keep their metrics (default: a fresh temporary directory)
"""

import multiprocessing
import os
import shutil
import tempfile
from pathlib import Path

bind = os.environ.get("OCPP_SOAP_BIND", "127.0.0.1:8080")
workers = int(os.environ.get("OCPP_SOAP_WORKERS") or min(2 * multiprocessing.cpu_count() + 1, 8))
worker_class = "sync"

# A worker silent for this long is killed and replaced: room for one command to a slow station.
timeout = max(60, int(os.environ.get("OCPP_SOAP_COMMAND_TIMEOUT") or 30) + 30)
graceful_timeout = 30
# Stations on mobile links trickle their requests; nginx absorbs that, gunicorn alone gets a bounded wait.
keepalive = 5  # ignored by sync workers, used if an operator switches to gthread
# Recycle workers now and then so that a slow leak never becomes an outage.
max_requests = 20000
max_requests_jitter = 2000
# Refuse absurd request lines and headers before the application sees them (bodies: OCPP_SOAP_MAX_BODY).
limit_request_line = 8190
limit_request_fields = 100

# Forwarded headers are trusted from the same proxies as the application trusts (none unless configured):
# gunicorn then agrees with ocpp_soap.forwarded on the scheme.
forwarded_allow_ips = os.environ.get("OCPP_SOAP_TRUSTED_PROXIES", "")

_access = os.environ.get("OCPP_SOAP_ACCESS_LOG", "-")
accesslog = None if _access.lower() in ("off", "none", "") else _access
# Peer, forwarded client, request line, status, size, duration. Headers such as Authorization are never logged.
access_log_format = '%(h)s fwd=%({x-forwarded-for}i)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"'
errorlog = "-"
loglevel = os.environ.get("OCPP_SOAP_LOG_LEVEL", "info").lower()
capture_output = False
# gunicorn >= 25.1 opens a control socket in $XDG_RUNTIME_DIR or ~/.gunicorn: one path shared by every instance
# of the user, and nothing a systemd service needs (it is managed with systemctl and signals). Older gunicorn
# ignores this name.
control_socket_disable = True

# -- metrics: prometheus_client multiprocess mode ------------------------------------------------------------------
# The directory must be known before any worker imports prometheus_client, so it is settled here, when the
# configuration is read by the master.
_created_metrics_dir = None
if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    _created_metrics_dir = tempfile.mkdtemp(prefix="ocpp-soap-metrics-")
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = _created_metrics_dir


def on_starting(server):
    """Start from zero: counts left by a previous run would be added to this one's."""
    directory = Path(os.environ["PROMETHEUS_MULTIPROC_DIR"])
    directory.mkdir(parents=True, exist_ok=True)
    for stale in directory.glob("*.db"):
        stale.unlink()


def child_exit(server, worker):
    """A dead worker's live gauges stop counting; its counters stay, as Prometheus expects."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def on_exit(server):
    if _created_metrics_dir:
        shutil.rmtree(_created_metrics_dir, ignore_errors=True)

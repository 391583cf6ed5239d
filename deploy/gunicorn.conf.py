"""gunicorn settings for ocpp-soap: ``gunicorn -c deploy/gunicorn.conf.py ocpp_soap.wsgi:app``
(or ``ocpp-soap serve --config deploy/gunicorn.conf.py``).

Sync workers: station requests are short and CPU-bound, and sync workers spread short connections evenly.
"""

import multiprocessing
import os

bind = os.environ.get("OCPP_SOAP_BIND", "127.0.0.1:8080")
workers = int(os.environ.get("OCPP_SOAP_WORKERS", min(2 * multiprocessing.cpu_count() + 1, 8)))
worker_class = "sync"
# Slow stations on mobile links trickle their requests: give them time, but not forever.
timeout = 60
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then so that a slow leak never becomes an outage.
max_requests = 20000
max_requests_jitter = 2000
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("OCPP_SOAP_LOG_LEVEL", "info").lower()

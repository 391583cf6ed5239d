"""What gunicorn serves in the deployment tests: ``ocpp_soap.wsgi:app`` behind the trusted-proxy middleware.

Until ``wsgi.py`` wires :class:`TrustedProxyMiddleware` itself (from ``OCPP_SOAP_TRUSTED_PROXIES``), this module
does it the same way; once it does, wrapping again changes nothing (the middleware marks what it applied).
"""

from __future__ import annotations

import os

from ocpp_soap.forwarded import TrustedProxyMiddleware, parse_networks
from ocpp_soap.wsgi import app as gateway_app

app = TrustedProxyMiddleware(gateway_app, parse_networks(os.environ.get("OCPP_SOAP_TRUSTED_PROXIES", "")))

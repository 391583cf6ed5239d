"""The one WSGI callable: SOAP endpoints in front, the Flask web app (health, metrics, UI and API) behind.

``create_app(settings)`` builds everything once. ``app`` is what gunicorn loads (``ocpp_soap.wsgi:app``); it
builds itself on its first request in each worker, so importing this module stays cheap and no database
connection is ever shared across a fork.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from .bootstrap import Gateway, bootstrap
from .config import ConfigurationError, Settings
from .forwarded import TrustedProxyMiddleware
from .logging_setup import configure_logging
from .soap.addressing import MessageIds, new_message_id
from .soap.inbound.endpoints import build_endpoints
from .soap.inbound.message_log import MessageLog

logger = logging.getLogger(__name__)
WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class GatewayApp:
    """Dispatch by path before any framework runs: stations take the shortest route."""

    def __init__(
        self, gateway: Gateway, soap_endpoints: dict[str, WsgiApp], web: WsgiApp, message_log: MessageLog
    ) -> None:
        self.gateway = gateway
        self.soap_endpoints = soap_endpoints
        self.message_log = message_log
        self.web = web
        # X-Forwarded-* headers count only from OCPP_SOAP_TRUSTED_PROXIES (none by default), before anyone reads them.
        self._forwarded = TrustedProxyMiddleware(self._dispatch, gateway.settings.trusted_proxies)

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        return self._forwarded(environ, start_response)

    def _dispatch(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        endpoint = self.soap_endpoints.get(path) or self.soap_endpoints.get(path.rstrip("/"))
        if endpoint is not None:
            return endpoint(environ, start_response)
        return self.web(environ, start_response)


def create_app(
    settings: Settings | None = None, *, gateway: Gateway | None = None, message_ids: MessageIds = new_message_id
) -> GatewayApp:
    """The gateway's WSGI app; ``message_ids`` makes the MessageIDs of our SOAP answers (random UUIDs; a fixed
    sequence in tests that compare exact bytes)."""
    from webapp import create_webapp

    settings = settings or Settings.from_env()
    gateway = gateway or bootstrap(settings)
    message_log = MessageLog(
        gateway.uow_factory,
        gateway.clock,
        resend_window_s=settings.resend_window,
        retention_days=settings.message_log_days,
    )
    from .relay.wiring import relay_tap

    endpoints = build_endpoints(
        gateway.bus,
        max_body=settings.max_body,
        public_url=settings.public_url,
        clock=gateway.clock,
        message_log=message_log,
        message_ids=message_ids,
        tap=relay_tap(settings, gateway.uow_factory, gateway.clock) if gateway.engine is not None else None,
    )
    web = create_webapp(gateway)
    return GatewayApp(gateway, dict(endpoints), web.wsgi_app, message_log)


class _LazyApp:
    def __init__(self) -> None:
        self._app: GatewayApp | None = None
        self._lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if self._app is None:
            with self._lock:
                if self._app is None:
                    from .persistence.schema import SchemaNotCurrent

                    configure_logging()
                    try:
                        self._app = create_app()
                    except (ConfigurationError, SchemaNotCurrent) as exc:
                        # Under a plain `gunicorn ocpp_soap.wsgi:app` this is the first place the problem shows:
                        # say it once, plainly, and answer 503 rather than a traceback per request.
                        logger.critical("ocpp-soap cannot start: %s", exc)
                        return _unavailable(start_response, str(exc))
                    except SQLAlchemyError as exc:
                        # The database is not there yet (or not now): answer 503 and try again on the next request.
                        reason = f"the database does not answer ({type(exc).__name__}); retrying on the next request"
                        logger.warning("ocpp-soap cannot start yet: %s", reason)
                        return _unavailable(start_response, reason)
        return self._app(environ, start_response)


def _unavailable(start_response: Callable[..., Any], reason: str) -> Iterable[bytes]:
    body = f"ocpp-soap cannot start: {reason}\n".encode()
    start_response("503 Service Unavailable", [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(body)))])
    return [body]


app = _LazyApp()

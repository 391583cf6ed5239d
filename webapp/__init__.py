"""The operator-facing Flask application: an app factory with one blueprint per area (health, metrics, the REST
API, the pages). What must be settled once (the built-in administrator, the API token, the session key) is
settled here, through the bus; while the database does not answer, the first request that needs it retries."""

from __future__ import annotations

import logging

from flask import Flask
from sqlalchemy.exc import SQLAlchemyError

from . import context, core

logger = logging.getLogger(__name__)


def create_webapp(gateway: core.Gateway) -> Flask:
    app = Flask(__name__)
    app.extensions["ocpp_gateway"] = gateway
    from .api import bp as api_bp
    from .health import bp as health_bp
    from .metrics import bp as metrics_bp
    from .ui import bp as ui_bp
    from .ui import setup as setup_ui

    app.register_blueprint(health_bp)
    app.register_blueprint(metrics_bp)
    app.register_blueprint(api_bp)
    app.register_blueprint(ui_bp)
    setup_ui(app, exempt=(api_bp, health_bp, metrics_bp))
    try:
        context.settled(app)
    except (SQLAlchemyError, core.StorageUnavailable) as exc:
        logger.warning("accounts and tokens not settled at start (database unavailable: %s); will retry",
                       type(exc).__name__)
    return app

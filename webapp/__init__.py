"""The operator-facing Flask application: an app factory with one blueprint per area."""

from __future__ import annotations

from flask import Flask

from ocpp_soap.bootstrap import Gateway


def create_webapp(gateway: Gateway) -> Flask:
    app = Flask(__name__)
    app.extensions["ocpp_gateway"] = gateway
    from .api import bp as api_bp
    from .health import bp as health_bp
    from .metrics import bp as metrics_bp
    from .ui import bp as ui_bp

    app.register_blueprint(health_bp)
    app.register_blueprint(metrics_bp)
    app.register_blueprint(api_bp)
    app.register_blueprint(ui_bp)
    return app

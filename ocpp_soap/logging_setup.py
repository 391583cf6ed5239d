"""Logging defaults: our lines at INFO, Spyne's per-request tracebacks silenced (faults are logged by us)."""

from __future__ import annotations

import logging
import os


def configure_logging(level: str | None = None) -> None:
    level = level or os.environ.get("OCPP_SOAP_LOG_LEVEL", "INFO")
    root = logging.getLogger()
    if not root.handlers:
        logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    logging.getLogger("ocpp_soap").setLevel(level)
    # Alembic narrates every migration context at INFO, once per worker; our own schema check says what matters.
    logging.getLogger("alembic").setLevel(logging.WARNING)
    quiet_spyne()


def quiet_spyne() -> None:
    """Spyne logs a full traceback at ERROR for every client fault; a misbehaving station must not flood logs."""
    for name in ("spyne", "spyne.application", "spyne.application.client", "spyne.application.server"):
        logging.getLogger(name).setLevel(logging.CRITICAL)

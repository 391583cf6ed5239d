"""What every view needs: the gateway, what was settled at start, who is asking (and may they), and writes that
record who made them. Pages and the API both use it."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask import Flask, current_app, g
from sqlalchemy import Engine

from . import core, settle

ONLINE_HEARTBEATS = 2  # a station is online while it has sent something within two heartbeat intervals
SETTLED = "ocpp_settled"


@dataclass(frozen=True)
class Settled:
    admin: settle.AdminAccount
    api_token_hash: str
    session_key: str


@dataclass(frozen=True)
class Principal:
    """Who is asking: an account (by session or token), or the administrator's API token."""

    name: str
    role: core.Role
    time_zone: str = "UTC"
    account: bool = True  # False for OCPP_SOAP_API_TOKEN / the generated token

    def may(self, needed: core.Role) -> bool:
        return self.role.allows(needed)

    @property
    def zone(self) -> ZoneInfo:
        return zone_named(self.time_zone)


def zone_named(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (KeyError, ValueError, OSError):
        return ZoneInfo("UTC")


_settle_lock = threading.Lock()


def settled(app: Flask | None = None) -> Settled:
    """Settled once per process (raises SQLAlchemyError while the database is down: the next request retries)."""
    app = app or current_app  # type: ignore[assignment]
    assert app is not None
    found: Settled | None = app.extensions.get(SETTLED)
    if found is None:
        with _settle_lock:
            found = app.extensions.get(SETTLED)
            if found is None:
                gw: core.Gateway = app.extensions["ocpp_gateway"]
                found = Settled(
                    admin=settle.settle_admin(gw, gw.settings.admin_password),
                    api_token_hash=settle.settle_api_token(gw, gw.settings.api_token),
                    session_key=settle.settle_session_key(gw, gw.settings.secret_key),
                )
                app.extensions[SETTLED] = found
                app.secret_key = found.session_key
    return found


def gateway() -> core.Gateway:
    return current_app.extensions["ocpp_gateway"]  # type: ignore[no-any-return]


def engine() -> Engine:
    return gateway().database


def now() -> datetime:
    return datetime.now(UTC)


def online_since() -> datetime:
    return now() - timedelta(seconds=ONLINE_HEARTBEATS * gateway().settings.heartbeat_interval)


def principal() -> Principal | None:
    found: Principal | None = g.get("principal")
    return found


def set_principal(who: Principal | None) -> None:
    g.principal = who


def write(command: Any) -> Any:
    """Run a write through the bus, recorded as made by whoever is asking."""
    who = principal()
    gw = gateway()
    return core.handle_as(gw.bus, command, who.name if who else "anonymous", gw.clock)

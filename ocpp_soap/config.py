"""Settings: every ``OCPP_SOAP_*`` environment variable is read and validated here, once."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from .relay.model import back_office_url

DEFAULT_DATABASE_URL = "sqlite:///ocpp-soap.sqlite3"
DEFAULT_HEARTBEAT_INTERVAL = 900
DEFAULT_MAX_BODY = 1024 * 1024
DEFAULT_COMMAND_TIMEOUT = 30
DEFAULT_METRICS_ALLOW = ("127.0.0.1/32", "::1/128")
DEFAULT_MESSAGE_LOG_DAYS = 7
DEFAULT_RESEND_WINDOW = 900
DEFAULT_RELAY_ANSWER_TIMEOUT = 10.0
DEFAULT_RELAY_COMMAND_TIMEOUT = 25
DEFAULT_RELAY_LEASE = 15
DEFAULT_RELAY_PING_INTERVAL = 20
DEFAULT_RELAY_RECONNECT_MAX = 60
RELAY_EMBEDDED_CHOICES = ("auto", "on", "off")

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


class ConfigurationError(ValueError):
    """A setting has a value the gateway cannot start with; the message names the variable."""


@dataclass(frozen=True)
class RelaySettings:
    """Relay mode (``ocpp_soap.relay``): every relayed station appears to an OCPP 1.6-J back office as a charge point.

    ``url`` is the back office's base URL (``ws://`` or ``wss://``); each station connects to ``<url>/<identity>``.
    Without it only the stations given their own URL through the API are relayed. ``keys`` are Fernet keys for the
    stored per-station passwords (the first encrypts, every one decrypts: rotation); without them a key is derived
    from ``OCPP_SOAP_SECRET_KEY`` when that is set, and otherwise passwords cannot be stored.
    """

    url: str | None = None
    ca_file: str | None = None
    answer_timeout: float = DEFAULT_RELAY_ANSWER_TIMEOUT
    """Seconds a station's Boot/Authorize/Start/Stop/DataTransfer waits for the back office's answer."""
    command_timeout: int = DEFAULT_RELAY_COMMAND_TIMEOUT
    """Seconds a back office's command may take at the station before it gets a CALLERROR (its own limit is ~30)."""
    lease: int = DEFAULT_RELAY_LEASE
    """Seconds a relay process owns its stations without renewing; a dead one's stations move after this."""
    ping_interval: int = DEFAULT_RELAY_PING_INTERVAL
    reconnect_max: int = DEFAULT_RELAY_RECONNECT_MAX
    """Longest wait, in seconds, between two connection attempts to an unreachable back office (jittered)."""
    keys: tuple[str, ...] = field(default=(), repr=False)
    embedded: str = "auto"
    """Whether ``ocpp-soap serve`` starts a relay process: auto (when a relay URL is set, or a station has its
    own), on, off (the relay runs on its own: ``ocpp-soap relay``)."""
    socket: str | None = None
    """Unix socket between the workers and the relay on SQLite (default: derived from the database file)."""


@dataclass(frozen=True)
class Settings:
    database_url: str = DEFAULT_DATABASE_URL
    heartbeat_interval: int = DEFAULT_HEARTBEAT_INTERVAL
    auto_accept: bool = False
    public_url: str | None = None
    api_token: str | None = field(default=None, repr=False)
    max_body: int = DEFAULT_MAX_BODY
    command_timeout: int = DEFAULT_COMMAND_TIMEOUT
    trusted_proxies: tuple[str, ...] = ()
    metrics_token: str | None = field(default=None, repr=False)
    metrics_allow: tuple[str, ...] = DEFAULT_METRICS_ALLOW
    admin_password: str | None = field(default=None, repr=False)
    secret_key: str | None = field(default=None, repr=False)
    message_log_days: int = DEFAULT_MESSAGE_LOG_DAYS
    resend_window: int = DEFAULT_RESEND_WINDOW
    """Seconds during which a request resent with the same wsa:MessageID and body gets the stored answer."""
    relay: RelaySettings = field(default_factory=RelaySettings)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        return cls(
            database_url=_database_url(env),
            heartbeat_interval=_int(env, "OCPP_SOAP_HEARTBEAT_INTERVAL", DEFAULT_HEARTBEAT_INTERVAL, 1, 86400),
            auto_accept=_bool(env, "OCPP_SOAP_AUTO_ACCEPT", False),
            public_url=_public_url(env),
            api_token=_token(env, "OCPP_SOAP_API_TOKEN"),
            max_body=_int(env, "OCPP_SOAP_MAX_BODY", DEFAULT_MAX_BODY, 1024, 64 * 1024 * 1024),
            command_timeout=_int(env, "OCPP_SOAP_COMMAND_TIMEOUT", DEFAULT_COMMAND_TIMEOUT, 1, 600),
            trusted_proxies=_networks(env, "OCPP_SOAP_TRUSTED_PROXIES", ()),
            metrics_token=_token(env, "OCPP_SOAP_METRICS_TOKEN"),
            metrics_allow=_networks(env, "OCPP_SOAP_METRICS_ALLOW", DEFAULT_METRICS_ALLOW),
            admin_password=_admin_password(env),
            secret_key=_token(env, "OCPP_SOAP_SECRET_KEY"),
            message_log_days=_int(env, "OCPP_SOAP_MESSAGE_LOG_DAYS", DEFAULT_MESSAGE_LOG_DAYS, 0, 3650),
            resend_window=_int(env, "OCPP_SOAP_RESEND_WINDOW", DEFAULT_RESEND_WINDOW, 0, 86400),
            relay=_relay(env),
        )


def _raw(env: Mapping[str, str], name: str) -> str | None:
    value = env.get(name)
    if value is None:
        return None
    value = value.strip()
    return value or None


def _int(env: Mapping[str, str], name: str, default: int, low: int, high: int) -> int:
    raw = _raw(env, name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigurationError(f"{name}={raw!r} is not a whole number") from None
    if not low <= value <= high:
        raise ConfigurationError(f"{name}={value} is out of range ({low}..{high})")
    return value


def _bool(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = env.get(name)
    if raw is None:
        return default
    lowered = raw.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ConfigurationError(f"{name}={raw!r} is not a boolean (use true or false)")


def _database_url(env: Mapping[str, str]) -> str:
    raw = _raw(env, "OCPP_SOAP_DATABASE_URL")
    if raw is None:
        return DEFAULT_DATABASE_URL
    # SQLAlchemy's parser is the authority on what a URL is; import it lazily to keep this module light.
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        url = make_url(raw)
    except (ArgumentError, ValueError):  # a non-numeric port or a malformed IPv6 host is a bare ValueError
        # The raw value is not repeated: it may hold a password.
        raise ConfigurationError(
            "OCPP_SOAP_DATABASE_URL is not a database URL (expected dialect://user:password@host:port/database)"
        ) from None
    if url.get_backend_name() not in {"sqlite", "postgresql"}:
        raise ConfigurationError(
            f"OCPP_SOAP_DATABASE_URL uses {url.get_backend_name()!r}; supported are sqlite and postgresql"
        )
    return raw


def _public_url(env: Mapping[str, str]) -> str | None:
    raw = _raw(env, "OCPP_SOAP_PUBLIC_URL")
    if raw is None:
        return None
    try:
        parts = urlsplit(raw)
        parts.port  # noqa: B018 - raises ValueError for a non-numeric or out-of-range port
    except ValueError as exc:
        raise ConfigurationError(f"OCPP_SOAP_PUBLIC_URL={raw!r} is not a valid URL ({exc})") from None
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise ConfigurationError(
            f"OCPP_SOAP_PUBLIC_URL={raw!r} must be an absolute http(s) URL such as https://ocpp.example.com"
        )
    if parts.query or parts.fragment:
        raise ConfigurationError(f"OCPP_SOAP_PUBLIC_URL={raw!r} must not have a query or fragment")
    return raw.rstrip("/")


def _token(env: Mapping[str, str], name: str) -> str | None:
    raw = _raw(env, name)
    if raw is not None and len(raw) < 16:
        raise ConfigurationError(f"{name} is too short (at least 16 characters)")  # never the value itself
    return raw


def _admin_password(env: Mapping[str, str]) -> str | None:
    raw = _raw(env, "OCPP_SOAP_ADMIN_PASSWORD")
    if raw is not None and len(raw) < 10:
        raise ConfigurationError("OCPP_SOAP_ADMIN_PASSWORD is too short (at least 10 characters)")
    return raw


def _networks(env: Mapping[str, str], name: str, default: tuple[str, ...]) -> tuple[str, ...]:
    """Comma-separated addresses or networks (``10.0.0.1, 192.168.0.0/16, ::1``), or ``none``."""
    raw = _raw(env, name)
    if raw is None:
        return default
    if raw.lower() == "none":
        return ()
    from .forwarded import parse_networks

    try:
        return tuple(str(network) for network in parse_networks(raw))
    except ValueError as exc:
        raise ConfigurationError(f"{name}: {exc}") from None


def _relay(env: Mapping[str, str]) -> RelaySettings:
    embedded = (_raw(env, "OCPP_SOAP_RELAY_EMBEDDED") or "auto").lower()
    if embedded not in RELAY_EMBEDDED_CHOICES:
        raise ConfigurationError(
            f"OCPP_SOAP_RELAY_EMBEDDED={embedded!r} is not one of {', '.join(RELAY_EMBEDDED_CHOICES)}"
        )
    return RelaySettings(
        url=relay_url(_raw(env, "OCPP_SOAP_RELAY_URL"), "OCPP_SOAP_RELAY_URL"),
        ca_file=_readable_file(env, "OCPP_SOAP_RELAY_CA_FILE"),
        answer_timeout=_seconds(env, "OCPP_SOAP_RELAY_ANSWER_TIMEOUT", DEFAULT_RELAY_ANSWER_TIMEOUT, 0.5, 60.0),
        command_timeout=_int(env, "OCPP_SOAP_RELAY_COMMAND_TIMEOUT", DEFAULT_RELAY_COMMAND_TIMEOUT, 1, 120),
        lease=_int(env, "OCPP_SOAP_RELAY_LEASE", DEFAULT_RELAY_LEASE, 3, 300),
        ping_interval=_int(env, "OCPP_SOAP_RELAY_PING_INTERVAL", DEFAULT_RELAY_PING_INTERVAL, 0, 3600),
        reconnect_max=_int(env, "OCPP_SOAP_RELAY_RECONNECT_MAX", DEFAULT_RELAY_RECONNECT_MAX, 1, 3600),
        keys=_fernet_keys(env, "OCPP_SOAP_RELAY_KEY"),
        embedded=embedded,
        socket=_raw(env, "OCPP_SOAP_RELAY_SOCKET"),
    )


def relay_url(raw: str | None, name: str) -> str | None:
    """``OCPP_SOAP_RELAY_URL``, checked as a station's own URL is (:func:`relay.model.back_office_url`)."""
    if raw is None:
        return None
    try:
        return back_office_url(raw)
    except ValueError as exc:
        shown = name if "@" in raw else f"{name}={raw!r}"  # a URL with credentials is not repeated in a log line
        raise ConfigurationError(f"{shown}: {exc}") from None


def _readable_file(env: Mapping[str, str], name: str) -> str | None:
    raw = _raw(env, name)
    if raw is None:
        return None
    if not os.path.isfile(raw) or not os.access(raw, os.R_OK):
        raise ConfigurationError(f"{name}={raw!r} is not a readable file")
    return raw


def _seconds(env: Mapping[str, str], name: str, default: float, low: float, high: float) -> float:
    raw = _raw(env, name)
    if raw is None:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ConfigurationError(f"{name}={raw!r} is not a number of seconds") from None
    if not low <= value <= high:
        raise ConfigurationError(f"{name}={value:g} is out of range ({low:g}..{high:g})")
    return value


def _fernet_keys(env: Mapping[str, str], name: str) -> tuple[str, ...]:
    """Comma-separated Fernet keys (each 32 url-safe base64-encoded bytes: ``ocpp-soap relay --new-key``)."""
    raw = _raw(env, name)
    if raw is None:
        return ()
    import base64
    import binascii

    keys = tuple(key.strip() for key in raw.split(",") if key.strip())
    for position, key in enumerate(keys, 1):
        try:
            valid = len(base64.urlsafe_b64decode(key.encode("ascii"))) == 32
        except (binascii.Error, ValueError):
            valid = False
        if not valid:  # never the key itself in the message
            raise ConfigurationError(f"{name}: key {position} is not a Fernet key (32 url-safe base64-encoded bytes)")
    return keys

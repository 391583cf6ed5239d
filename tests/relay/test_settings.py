"""Relay settings from OCPP_SOAP_RELAY_* variables: defaults, and a clear stop on every bad value (named)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ocpp_soap.config import ConfigurationError, RelaySettings, Settings
from ocpp_soap.relay.channel import socket_path
from ocpp_soap.relay.secrets import PasswordBox, UnreadablePassword, derived_key, new_key


def test_defaults() -> None:
    relay = Settings.from_env({}).relay
    assert relay == RelaySettings()
    assert (relay.url, relay.answer_timeout, relay.lease, relay.embedded) == (None, 10.0, 15, "auto")


def test_every_variable(tmp_path: Path) -> None:
    ca = tmp_path / "ca.pem"
    ca.write_text("-----BEGIN CERTIFICATE-----\n")
    key = new_key()
    relay = Settings.from_env({
        "OCPP_SOAP_RELAY_URL": "wss://csms.example.com/ocpp/", "OCPP_SOAP_RELAY_CA_FILE": str(ca),
        "OCPP_SOAP_RELAY_ANSWER_TIMEOUT": "2.5", "OCPP_SOAP_RELAY_COMMAND_TIMEOUT": "20",
        "OCPP_SOAP_RELAY_LEASE": "30", "OCPP_SOAP_RELAY_PING_INTERVAL": "0", "OCPP_SOAP_RELAY_RECONNECT_MAX": "120",
        "OCPP_SOAP_RELAY_KEY": f"{key}, {new_key()}", "OCPP_SOAP_RELAY_EMBEDDED": "OFF",
        "OCPP_SOAP_RELAY_SOCKET": "/run/ocpp-soap/relay.sock",
    }).relay
    assert relay.url == "wss://csms.example.com/ocpp" and relay.ca_file == str(ca)
    assert (relay.answer_timeout, relay.command_timeout, relay.lease, relay.ping_interval) == (2.5, 20, 30, 0)
    assert (relay.reconnect_max, relay.embedded, relay.socket) == (120, "off", "/run/ocpp-soap/relay.sock")
    assert relay.keys[0] == key and len(relay.keys) == 2
    assert key not in repr(relay)


@pytest.mark.parametrize(
    ("name", "value", "says"),
    [
        ("OCPP_SOAP_RELAY_URL", "http://csms.example.com", "ws:// or wss://"),
        ("OCPP_SOAP_RELAY_URL", "ws://", "ws:// or wss://"),
        ("OCPP_SOAP_RELAY_URL", "ws://csms.example.com:99999", "not a valid URL"),
        ("OCPP_SOAP_RELAY_URL", "ws://a:b@csms.example.com", "credentials"),
        ("OCPP_SOAP_RELAY_CA_FILE", "/nonexistent/ca.pem", "readable file"),
        ("OCPP_SOAP_RELAY_ANSWER_TIMEOUT", "0", "out of range"),
        ("OCPP_SOAP_RELAY_ANSWER_TIMEOUT", "soon", "number of seconds"),
        ("OCPP_SOAP_RELAY_LEASE", "1", "out of range"),
        ("OCPP_SOAP_RELAY_KEY", "not-a-key", "not a Fernet key"),
        ("OCPP_SOAP_RELAY_EMBEDDED", "maybe", "auto, on, off"),
    ],
)
def test_bad_values_are_named(name: str, value: str, says: str) -> None:
    with pytest.raises(ConfigurationError, match=says) as caught:
        Settings.from_env({name: value})
    assert name in str(caught.value)
    if name == "OCPP_SOAP_RELAY_KEY":
        assert value not in str(caught.value)


def test_passwords_need_a_key_and_survive_rotation() -> None:
    old, new = new_key(), new_key()
    sealed = PasswordBox((old,)).seal("pw")
    assert PasswordBox((new, old)).open(sealed) == "pw"  # a new key in front: old tokens still open
    with pytest.raises(UnreadablePassword):
        PasswordBox((new,)).open(sealed)
    assert not PasswordBox(()).can_store
    derived = PasswordBox.from_settings(Settings(secret_key="a-secret-of-the-web-app-0123"))
    assert derived.can_store and derived_key("x") == derived_key("x") != derived_key("y")


def test_the_socket_of_a_sqlite_database(tmp_path: Path) -> None:
    assert socket_path(f"sqlite:///{tmp_path}/db.sqlite3") == f"{tmp_path}/.db.sqlite3.relay.sock" \
        or socket_path(f"sqlite:///{tmp_path}/db.sqlite3").startswith("/tmp/ocpp-soap-relay-")  # type: ignore[union-attr]
    assert socket_path("sqlite://") is None
    assert socket_path("sqlite:///x.db", "/run/r.sock") == "/run/r.sock"
    long = tmp_path / ("d" * 120)
    assert socket_path(f"sqlite:///{long}/db.sqlite3").startswith("/tmp/ocpp-soap-relay-")  # type: ignore[union-attr]

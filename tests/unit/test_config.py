"""Settings from OCPP_SOAP_* variables: defaults, accepted spellings, and a clear stop on every bad value."""

from __future__ import annotations

import pytest

from ocpp_soap import cli
from ocpp_soap.config import (
    DEFAULT_DATABASE_URL,
    DEFAULT_HEARTBEAT_INTERVAL,
    DEFAULT_MAX_BODY,
    ConfigurationError,
    Settings,
)

TOKEN = "s3cret-token-0123456789"


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """No OCPP_SOAP_* variable of the machine running the tests leaks in."""
    import os

    for name in list(os.environ):
        if name.startswith("OCPP_SOAP_"):
            monkeypatch.delenv(name)


def test_defaults_without_any_variable() -> None:
    settings = Settings.from_env({})
    assert settings == Settings()
    assert settings.database_url == DEFAULT_DATABASE_URL
    assert settings.heartbeat_interval == DEFAULT_HEARTBEAT_INTERVAL
    assert settings.auto_accept is False
    assert settings.public_url is None
    assert settings.api_token is None
    assert settings.max_body == DEFAULT_MAX_BODY


def test_from_env_reads_the_process_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OCPP_SOAP_HEARTBEAT_INTERVAL", "60")
    assert Settings.from_env().heartbeat_interval == 60


def test_empty_or_blank_values_mean_the_default() -> None:
    env = {
        "OCPP_SOAP_DATABASE_URL": "",
        "OCPP_SOAP_HEARTBEAT_INTERVAL": "  ",
        "OCPP_SOAP_AUTO_ACCEPT": "",
        "OCPP_SOAP_PUBLIC_URL": " ",
        "OCPP_SOAP_API_TOKEN": "",
        "OCPP_SOAP_MAX_BODY": "",
    }
    assert Settings.from_env(env) == Settings()


def test_good_values_are_taken() -> None:
    settings = Settings.from_env(
        {
            "OCPP_SOAP_DATABASE_URL": "postgresql+psycopg://ocpp:pw@db.example/ocpp",
            "OCPP_SOAP_HEARTBEAT_INTERVAL": " 300 ",
            "OCPP_SOAP_AUTO_ACCEPT": "yes",
            "OCPP_SOAP_PUBLIC_URL": "https://ocpp.example.com/base/",
            "OCPP_SOAP_API_TOKEN": TOKEN,
            "OCPP_SOAP_MAX_BODY": "2048",
        }
    )
    assert settings == Settings(
        database_url="postgresql+psycopg://ocpp:pw@db.example/ocpp",
        heartbeat_interval=300,
        auto_accept=True,
        public_url="https://ocpp.example.com/base",
        api_token=TOKEN,
        max_body=2048,
    )


@pytest.mark.parametrize(
    "url", ["sqlite:///relative.sqlite3", "sqlite:////abs/path.db", "sqlite://", "postgresql://u@h/db"]
)
def test_supported_database_urls(url: str) -> None:
    assert Settings.from_env({"OCPP_SOAP_DATABASE_URL": url}).database_url == url


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("1", True),
        ("TRUE", True),
        ("on", True),
        ("Yes", True),
        ("0", False),
        ("false", False),
        ("Off", False),
        ("no", False),
    ],
)
def test_boolean_spellings(raw: str, value: bool) -> None:
    assert Settings.from_env({"OCPP_SOAP_AUTO_ACCEPT": raw}).auto_accept is value


@pytest.mark.parametrize("raw", ["1", "86400"])
def test_heartbeat_interval_bounds_are_inclusive(raw: str) -> None:
    assert Settings.from_env({"OCPP_SOAP_HEARTBEAT_INTERVAL": raw}).heartbeat_interval == int(raw)


@pytest.mark.parametrize("raw", ["1024", str(64 * 1024 * 1024)])
def test_max_body_bounds_are_inclusive(raw: str) -> None:
    assert Settings.from_env({"OCPP_SOAP_MAX_BODY": raw}).max_body == int(raw)


BAD_VALUES = [
    ("OCPP_SOAP_DATABASE_URL", "not a url"),
    ("OCPP_SOAP_DATABASE_URL", "mysql://u:p@h/db"),
    ("OCPP_SOAP_DATABASE_URL", "oracle://h/db"),
    ("OCPP_SOAP_HEARTBEAT_INTERVAL", "ten"),
    ("OCPP_SOAP_HEARTBEAT_INTERVAL", "1.5"),
    ("OCPP_SOAP_HEARTBEAT_INTERVAL", "0"),
    ("OCPP_SOAP_HEARTBEAT_INTERVAL", "-60"),
    ("OCPP_SOAP_HEARTBEAT_INTERVAL", "86401"),
    ("OCPP_SOAP_AUTO_ACCEPT", "maybe"),
    ("OCPP_SOAP_AUTO_ACCEPT", "2"),
    ("OCPP_SOAP_PUBLIC_URL", "ocpp.example.com"),
    ("OCPP_SOAP_PUBLIC_URL", "ftp://ocpp.example.com"),
    ("OCPP_SOAP_PUBLIC_URL", "https://"),
    ("OCPP_SOAP_PUBLIC_URL", "https://ocpp.example.com/?x=1"),
    ("OCPP_SOAP_PUBLIC_URL", "https://ocpp.example.com/#top"),
    ("OCPP_SOAP_API_TOKEN", "short"),
    ("OCPP_SOAP_API_TOKEN", "x" * 15),
    ("OCPP_SOAP_MAX_BODY", "1MB"),
    ("OCPP_SOAP_MAX_BODY", "1023"),
    ("OCPP_SOAP_MAX_BODY", str(64 * 1024 * 1024 + 1)),
]


@pytest.mark.parametrize(("name", "raw"), BAD_VALUES)
def test_a_bad_value_is_a_configuration_error_naming_the_variable(name: str, raw: str) -> None:
    with pytest.raises(ConfigurationError) as caught:
        Settings.from_env({name: raw})
    assert name in str(caught.value)
    assert isinstance(caught.value, ValueError)


def test_a_rejected_api_token_is_not_echoed() -> None:
    with pytest.raises(ConfigurationError) as caught:
        Settings.from_env({"OCPP_SOAP_API_TOKEN": "hunter2hunter"})
    assert "hunter2hunter" not in str(caught.value)


def test_the_api_token_stays_out_of_repr() -> None:
    settings = Settings.from_env({"OCPP_SOAP_API_TOKEN": TOKEN})
    assert TOKEN not in repr(settings)


def test_settings_are_frozen() -> None:
    settings = Settings()
    with pytest.raises(AttributeError):
        settings.auto_accept = True  # type: ignore[misc]


# --- The CLI validates before it starts anything ------------------------------------------------------------------


@pytest.fixture
def no_server(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Replace gunicorn start-up: a test that reaches it has failed to stop at the configuration."""
    started: list[object] = []
    monkeypatch.setattr(cli, "_serve", lambda settings, args: started.append(settings) or 0)
    return started


@pytest.mark.parametrize(("name", "raw"), BAD_VALUES)
def test_serve_with_a_bad_value_exits_2_naming_the_variable(
    name: str, raw: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], no_server: list[object]
) -> None:
    monkeypatch.setenv(name, raw)

    assert cli.main(["serve"]) == 2

    captured = capsys.readouterr()
    assert name in captured.err
    assert "configuration error" in captured.err
    assert captured.out == ""
    assert no_server == []


def test_serve_with_good_values_goes_on_to_start(monkeypatch: pytest.MonkeyPatch, no_server: list[object]) -> None:
    monkeypatch.setenv("OCPP_SOAP_HEARTBEAT_INTERVAL", "60")
    assert cli.main(["serve", "--bind", "127.0.0.1:0"]) == 0
    [settings] = no_server
    assert isinstance(settings, Settings) and settings.heartbeat_interval == 60


def test_db_init_with_a_bad_value_exits_2(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("OCPP_SOAP_DATABASE_URL", "mysql://u:p@h/db")
    assert cli.main(["db", "init"]) == 2
    assert "OCPP_SOAP_DATABASE_URL" in capsys.readouterr().err


@pytest.mark.parametrize("url", ["postgresql://ocpp:s3cret@db:notaport/ocpp", "postgresql://ocpp:s3cret@[::1/ocpp"])
def test_a_database_url_with_a_bad_port_is_a_configuration_error_without_the_password(url: str) -> None:
    with pytest.raises(ConfigurationError) as caught:
        Settings.from_env({"OCPP_SOAP_DATABASE_URL": url})
    assert "OCPP_SOAP_DATABASE_URL" in str(caught.value)
    assert "s3cret" not in str(caught.value)


def test_a_public_url_with_a_malformed_host_is_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError, match="OCPP_SOAP_PUBLIC_URL"):
        Settings.from_env({"OCPP_SOAP_PUBLIC_URL": "http://[::1"})


@pytest.mark.parametrize("url", ["https://ocpp.example.com:notaport", "https://ocpp.example.com:99999"])
def test_a_public_url_with_a_bad_port_is_a_configuration_error(url: str) -> None:
    with pytest.raises(ConfigurationError, match="OCPP_SOAP_PUBLIC_URL"):
        Settings.from_env({"OCPP_SOAP_PUBLIC_URL": url})

"""``ocpp-soap user add|passwd|remove|list``: accounts from the shell, through the bus, recorded as the command
line's doing; the password read from standard input (never an argument)."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import select

from ocpp_soap import cli
from ocpp_soap.passwords import verify_password
from ocpp_soap.persistence.orm import OperatorAccountRow, OperatorActionRow


def _run(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *argv: str, stdin: str = "") -> tuple[int, str]:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    code = cli.main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def test_add_passwd_list_remove(database_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    from ocpp_soap.persistence.database import create_database_engine

    monkeypatch.setenv("OCPP_SOAP_DATABASE_URL", database_url)
    code, out = _run(monkeypatch, capsys, "user", "add", "ops", "--role", "operator", "--password-stdin",
                     stdin="first password 1\n")
    assert code == 0 and "added ops" in out
    code, out = _run(monkeypatch, capsys, "user", "add", "ops", "--password-stdin", stdin="first password 1\n")
    assert code == 1 and "exists already" in out
    code, out = _run(monkeypatch, capsys, "user", "add", "short", "--password-stdin", stdin="short\n")
    assert code == 1 and "at least 10 characters" in out
    code, out = _run(monkeypatch, capsys, "user", "passwd", "ops", "--password-stdin", stdin="second password 2\n")
    assert code == 0
    code, out = _run(monkeypatch, capsys, "user", "list")
    assert code == 0 and "ops\toperator\tUTC" in out
    engine = create_database_engine(database_url)
    try:
        with engine.connect() as connection:
            stored = connection.execute(select(OperatorAccountRow.password_hash).where(OperatorAccountRow.username == "ops")).scalar()
            actors = connection.execute(select(OperatorActionRow.actor, OperatorActionRow.action)).all()
        assert stored is not None and verify_password(stored, "second password 2") and "password" not in stored
        assert [a for _, a in actors] == ["CreateAccount", "ChangePassword"] and all(actor.startswith("cli:") for actor, _ in actors)
        code, out = _run(monkeypatch, capsys, "user", "remove", "ops")
        assert code == 0 and "removed ops" in out
        code, out = _run(monkeypatch, capsys, "user", "remove", "admin")
        assert code == 1 and "unknown" not in out  # not there (no web app started), so: not known
        with engine.connect() as connection:
            assert connection.execute(select(OperatorAccountRow.username)).all() == []
    finally:
        engine.dispose()

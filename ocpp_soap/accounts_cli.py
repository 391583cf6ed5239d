"""``ocpp-soap user add|passwd|remove|list``: operator accounts of the web app and the REST API, from the shell
(the first administrator, or a way back in). Passwords are asked twice on a terminal, or read from standard input
with ``--password-stdin``; they are never arguments (a process list shows those). Writes go through the bus,
recorded as made by ``cli:<the OS user>``."""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import Any

from .config import Settings
from .domain.errors import DomainError
from .domain.model import Role
from .domain.operator_commands import ChangePassword, CreateAccount, DeleteAccount


def add_user_command(commands: Any) -> None:
    user = commands.add_parser("user", help="operator accounts: add, passwd, remove, list")
    actions = user.add_subparsers(dest="user_action", required=True)
    add = actions.add_parser("add", help="add an account (asks for its password)")
    add.add_argument("username")
    add.add_argument("--role", choices=[r.value for r in Role], default=Role.ADMIN.value,
                     help="read-only, operator or admin (default: admin)")
    add.add_argument("--time-zone", default="UTC", help="IANA zone its pages show times in (default UTC)")
    add.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    passwd = actions.add_parser("passwd", help="set an account's password (ends its sessions)")
    passwd.add_argument("username")
    passwd.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    remove = actions.add_parser("remove", help="remove an account and its API tokens")
    remove.add_argument("username")
    actions.add_parser("list", help="list the accounts and their roles")


def run_user(settings: Settings, args: argparse.Namespace) -> int:
    from .attribution import handle_as
    from .bootstrap import bootstrap
    from .logging_setup import configure_logging
    from .passwords import hash_password
    from .persistence.schema import SchemaNotCurrent

    configure_logging("WARNING")
    try:
        gateway = bootstrap(settings)
    except SchemaNotCurrent as exc:
        print(f"ocpp-soap: {exc}", file=sys.stderr)
        return 2
    actor = f"cli:{_os_user()}"
    try:
        if args.user_action == "list":
            return _list(gateway.database)
        if args.user_action == "remove":
            command: Any = DeleteAccount(args.username)
        else:
            password = _password(args.password_stdin)
            if password is None:
                return 2
            if args.user_action == "add":
                command = CreateAccount(args.username, hash_password(password), Role(args.role), args.time_zone)
            else:
                command = ChangePassword(args.username, hash_password(password))
        handle_as(gateway.bus, command, actor, gateway.clock)
    except DomainError as exc:
        print(f"ocpp-soap: {exc}", file=sys.stderr)
        return 1
    finally:
        gateway.close()
    done = {"add": "added", "passwd": "password changed for", "remove": "removed"}[args.user_action]
    print(f"{done} {args.username}")
    return 0


def _list(engine: Any) -> int:
    from sqlalchemy import select

    from .persistence.orm import OperatorAccountRow

    with engine.connect() as connection:
        rows = connection.execute(
            select(OperatorAccountRow.username, OperatorAccountRow.role, OperatorAccountRow.time_zone)
            .order_by(OperatorAccountRow.username)
        ).all()
    for username, role, zone in rows:
        print(f"{username}\t{role}\t{zone}")
    return 0


def _password(from_stdin: bool) -> str | None:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("Password: ")
    if getpass.getpass("Again: ") != first:
        print("ocpp-soap: the passwords differ", file=sys.stderr)
        return None
    return first


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"

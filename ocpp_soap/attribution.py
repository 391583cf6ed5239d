"""Writes with their author: an operator's command and the record of who gave it, in one transaction.

Every front end that writes on an operator's behalf (web pages, the REST API, ``ocpp-soap user``) goes through
:func:`handle_as`. A command toward a station runs its own transactions and carries its author into the command
log (``requested_by``); any other command runs in one unit of work with a :class:`RecordOperatorAction`, so
neither is kept without the other.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from .bus import MessageBus
from .domain.commands import Command
from .domain.model import OperatorAction
from .domain.operator_commands import RecordOperatorAction, describe
from .domain.ports import Clock
from .domain.station_requests import StationRequest


def handle_as(bus: MessageBus, command: Command, actor: str, clock: Clock) -> Any:
    """Run ``command`` for ``actor`` and record that they did; returns the handler's result."""
    if isinstance(command, StationRequest):
        return bus.handle(dataclasses.replace(command, requested_by=actor))
    action, target, details = describe(command)
    record = RecordOperatorAction(OperatorAction(clock(), actor, action, target, details))
    return bus.handle_together(command, record)[0]

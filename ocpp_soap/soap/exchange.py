"""What a service method gets in ``ctx.udc``: who is calling, and the transaction its commands join."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..bus import MessageBus
from ..domain.commands import Command
from ..domain.model import StationOrigin
from ..domain.ports import UnitOfWork


@dataclass
class Exchange:
    origin: StationOrigin
    bus: MessageBus
    operation: str
    uow: UnitOfWork

    def dispatch(self, command: Command) -> Any:
        return self.bus.handle(command, uow=self.uow)

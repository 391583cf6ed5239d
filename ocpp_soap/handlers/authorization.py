"""Authorize: answer a station's question about an id tag from the stored tags."""

from __future__ import annotations

from ..domain import station_messages as messages
from ..domain.model import IdTagInfo, authorize
from ..domain.ports import Clock, UnitOfWork
from .access import admitted_station


def authorize_id_tag(cmd: messages.AuthorizeIdTag, uow: UnitOfWork, clock: Clock) -> IdTagInfo:
    now = clock()
    admitted_station(uow, cmd, now)
    return authorize(uow.id_tags.get(cmd.id_tag), now)

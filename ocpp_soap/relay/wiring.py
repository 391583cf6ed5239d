"""Relay mode in a gunicorn worker: the tap the inbound pipeline runs station messages through."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from ..config import Settings
from .channel import make_asker
from .directory import RelayDirectory
from .tap import RelayTap


def relay_tap(settings: Settings, uow_factory: Callable[[], object], clock: Callable[[], datetime]) -> RelayTap:
    """Always installed: a station the API relays on its own is relayed even without a default URL."""
    directory = RelayDirectory(uow_factory, settings.relay.url)
    asker = make_asker(settings.database_url, settings.relay.socket)
    return RelayTap(directory, asker, clock, answer_timeout=settings.relay.answer_timeout)

"""Subscriber that writes every domain event to the log, so an operator can follow what stations do.

A station that cannot be called back is logged at WARNING: it is serving, but commands to it will fail.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable

from ..domain import events

logger = logging.getLogger("ocpp_soap.events")


def log_event(event: events.Event) -> None:
    if not logger.isEnabledFor(logging.INFO):
        return
    # Fields read directly: dataclasses.asdict deep-copies every value, once per station message.
    fields = " ".join(f"{f.name}={_plain(getattr(event, f.name))}" for f in dataclasses.fields(event))  # type: ignore[arg-type]
    if isinstance(event, events.StationAddressChanged) and event.endpoint_address is None:
        logger.warning("%s %s (the station cannot be called back until it sends an address)", type(event).__name__, fields)
    else:
        logger.info("%s %s", type(event).__name__, fields)


def _plain(value: object) -> str:
    text = getattr(value, "value", value)
    return repr(text) if isinstance(text, str) and " " in text else str(text)


EVENT_HANDLERS: dict[type[events.Event], list[Callable[[events.Event], None]]] = {
    cls: [log_event] for cls in events.Event.__subclasses__()
}

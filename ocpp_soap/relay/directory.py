"""Which stations are relayed, as a worker needs to know it on every station message: the default URL and the
operators' per-station settings, read at most every few seconds (a change through the API reaches every worker
within that time)."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import cast

from .model import RelayConfig
from .ports import RelayUnitOfWork

logger = logging.getLogger(__name__)
REFRESH_S = 2.0


class RelayDirectory:
    def __init__(
        self, uow_factory: Callable[[], object], default_url: str | None, *, refresh_s: float = REFRESH_S
    ) -> None:
        self._uow_factory = uow_factory
        self.default_url = default_url
        self._refresh_s = refresh_s
        self._configs: dict[str, RelayConfig] = {}
        self._read_at = float("-inf")
        self._lock = threading.Lock()

    def relayed(self, charge_box_id: str) -> bool:
        return self.url_for(charge_box_id) is not None

    def url_for(self, charge_box_id: str) -> str | None:
        config = self._current().get(charge_box_id)
        if config is None:
            return self.default_url
        return (config.url or self.default_url) if config.enabled else None

    def invalidate(self) -> None:
        with self._lock:
            self._read_at = float("-inf")

    def _current(self) -> dict[str, RelayConfig]:
        if time.monotonic() - self._read_at < self._refresh_s:
            return self._configs
        with self._lock:
            if time.monotonic() - self._read_at >= self._refresh_s:
                try:
                    with cast(RelayUnitOfWork, self._uow_factory()) as uow:
                        configs = cast(RelayUnitOfWork, uow).relay.configs()
                    self._configs = {config.charge_box_id: config for config in configs}
                except Exception as exc:  # noqa: BLE001 - the station's request goes on with what was known
                    logger.warning("relay settings not read (%s); using those read before", type(exc).__name__)
                self._read_at = time.monotonic()
        return self._configs

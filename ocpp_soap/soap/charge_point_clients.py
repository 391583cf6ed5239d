"""The charge-point clients the bus routes operator commands to, one per protocol version, built on first use
(each parses its WSDL once) and then reused for every station bound to that version."""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping

from ..domain.model import Protocol
from .addon import AddOn
from .charge_point_client import ZeepChargePointClient


def charge_point_addons() -> dict[Protocol, tuple[AddOn, AddOn]]:
    """Protocol -> (central-system add-on, charge-point add-on), for every version this gateway serves."""
    from .charge_point_wsdl import charge_point_addon
    from .registry import ADDONS

    return {cs.protocol: (cs, charge_point_addon(cs.version)) for cs in ADDONS}


class ChargePointClients(Mapping[Protocol, ZeepChargePointClient]):
    def __init__(self, *, public_url: str | None, timeout: float) -> None:
        self._public_url = public_url
        self._timeout = timeout
        self._clients: dict[Protocol, ZeepChargePointClient] = {}
        self._lock = threading.Lock()
        self._addons: dict[Protocol, tuple[AddOn, AddOn]] | None = None

    def _known(self) -> dict[Protocol, tuple[AddOn, AddOn]]:
        if self._addons is None:
            self._addons = charge_point_addons()
        return self._addons

    def __getitem__(self, protocol: Protocol) -> ZeepChargePointClient:
        client = self._clients.get(protocol)
        if client is not None:
            return client
        central_system, charge_point = self._known()[protocol]
        with self._lock:
            if protocol not in self._clients:
                from .charge_point_wsdl import charge_point_wsdl_path

                wsdl = charge_point_wsdl_path(charge_point.version).read_bytes()
                url = f"{self._public_url}{central_system.path}" if self._public_url else None
                self._clients[protocol] = ZeepChargePointClient(
                    charge_point, wsdl, central_system_url=url, timeout=self._timeout
                )
        return self._clients[protocol]

    def __iter__(self) -> Iterator[Protocol]:
        return iter(self._known())

    def __len__(self) -> int:
        return len(self._known())

"""The charge-point clients the bus routes operator commands to, one per protocol version, built on first use
(each parses its WSDL once) and then reused for every station bound to that version."""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping

from ..domain.model import Protocol
from .addon import AddOn
from .charge_point_client import ZeepChargePointClient


def charge_point_addons() -> dict[Protocol, tuple[AddOn, AddOn]]:
    """Protocol -> (central-system add-on, charge-point add-on)."""
    from . import v12, v15
    from .v12.charge_point import CHARGE_POINT as CP12
    from .v15.charge_point import CHARGE_POINT as CP15

    return {v12.ADDON.protocol: (v12.ADDON, CP12), v15.ADDON.protocol: (v15.ADDON, CP15)}


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
                from .charge_point_wsdl import render_charge_point_wsdl

                wsdl = render_charge_point_wsdl(charge_point.version, "http://localhost/Ocpp/ChargePointService/")
                url = f"{self._public_url}{central_system.path}" if self._public_url else None
                self._clients[protocol] = ZeepChargePointClient(
                    charge_point, wsdl, central_system_url=url, timeout=self._timeout
                )
        return self._clients[protocol]

    def __iter__(self) -> Iterator[Protocol]:
        return iter(self._known())

    def __len__(self) -> int:
        return len(self._known())

"""What a protocol add-on declares: its version, namespace, Spyne service and endpoint path.

Adding a protocol version means adding a package beside ``v12`` and ``v15`` that exports an ``ADDON`` like
theirs, and listing it in :data:`ocpp_soap.soap.registry.ADDONS`.
"""

from __future__ import annotations

from dataclasses import dataclass

from spyne import ServiceBase

from ..domain.model import Protocol


@dataclass(frozen=True)
class AddOn:
    protocol: Protocol
    version: str
    namespace: str
    service: type[ServiceBase]
    path: str
    declares_response_actions: bool
    service_name: str = "CentralSystemService"

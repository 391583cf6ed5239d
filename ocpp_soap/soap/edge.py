"""The SOAP edge of each protocol version, and where to find it.

Every version package (``ocpp_soap.soap.v15`` ...) exports ``EDGE``, a :class:`VersionEdge` that says everything
about the version on the wire: its two services (the central system stations call, the charge point we call),
with their namespaces, message types, Spyne services and paths, and how its station messages are translated.
:func:`edges` finds them from the version registry (:class:`~ocpp_soap.domain.versions.Protocol`): the package
of a version is named after its number, so adding a version is adding its package and one registry member.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import import_module
from types import ModuleType
from typing import Any

from spyne import ServiceBase

from ..domain.model import MeterReading, StationOrigin
from ..domain.station_messages import StationMessage
from ..domain.versions import Protocol

CENTRAL_SYSTEM = "CentralSystemService"
CHARGE_POINT = "ChargePointService"


@dataclass(frozen=True)
class Translation:
    """How one station operation crosses the edge: its wire request into a domain message, the result back into
    the wire response (an instance of the version's response type)."""

    to_message: Callable[[Any, StationOrigin], StationMessage]
    to_response: Callable[[Any, ModuleType], Any]


@dataclass(frozen=True)
class ReadingsWriter:
    """How a station of the version writes meter readings: the request fields of MeterValues, and of
    StopTransaction's transaction data, that carry them. The inverse of the version's readers, for the simulator."""

    meter_values: Callable[[tuple[MeterReading, ...]], dict[str, Any]]
    transaction_data: Callable[[tuple[MeterReading, ...]], dict[str, Any]]


@dataclass(frozen=True)
class Service:
    """One SOAP service of a version: its namespace, message types and Spyne service (built from the operation
    names of the registry), and the URL path it is served at (ours for the central system; the simulator's for the
    charge point)."""

    name: str  # CentralSystemService or ChargePointService
    number: str  # the version's: "1.5"
    namespace: str
    types: ModuleType
    spyne: type[ServiceBase]
    path: str
    operations: frozenset[str]


@dataclass(frozen=True)
class VersionEdge:
    protocol: Protocol
    central_system: Service
    charge_point: Service
    translations: Mapping[str, Translation]
    """One per station operation: how the central-system service turns requests into domain messages."""
    readings_writer: ReadingsWriter
    declares_response_actions: bool
    """Whether the version's WSDL declares ``wsaw:Action`` on outputs (1.5 and later; 1.2 only on inputs). Answers
    carry ``/OpResponse`` either way."""
    wire_names: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    """Per operation sent to stations, the fields this version names differently from the operation spec
    (``{"SendLocalList": {"localAuthorisationList": "localAuthorizationList"}}``)."""

    @property
    def number(self) -> str:
        return self.protocol.number

    def service(self, name: str) -> Service:
        return self.central_system if name == CENTRAL_SYSTEM else self.charge_point


@cache
def edge(protocol: Protocol) -> VersionEdge:
    """The SOAP edge of a protocol version (its package is imported on first use)."""
    found: VersionEdge = import_module(f"{__package__}.{protocol.package}").EDGE
    if found.protocol is not protocol:
        raise TypeError(f"{protocol.package}.EDGE describes {found.protocol}, not {protocol}")
    return found


def edges() -> tuple[VersionEdge, ...]:
    """Every version's edge, oldest first."""
    return tuple(edge(protocol) for protocol in Protocol)


def edge_for_number(number: str) -> VersionEdge:
    return edge(Protocol.by_number(number))

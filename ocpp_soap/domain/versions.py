"""The version registry: every protocol version a station can be bound to, and what each version has.

One member of :class:`Protocol` per version, read by everyone: the SOAP edge finds the version's package by its
number (``ocpp_soap.soap.v15`` for ``1.5``) and builds the version's services from the operations listed here; the
bus refuses an operation a station's version lacks; the web app, the API and the CLI list versions and operations
from here. Adding a version is adding its SOAP package and one member here.

The operation names are OCPP's own (``RemoteStartTransaction``); what each operation carries is the business of the
version's message types.
"""

from __future__ import annotations

import enum

STATION_OPERATIONS_12 = frozenset(
    {
        "Authorize", "BootNotification", "DiagnosticsStatusNotification", "FirmwareStatusNotification", "Heartbeat",
        "MeterValues", "StartTransaction", "StatusNotification", "StopTransaction",
    }
)
"""What an OCPP 1.2 station calls on its central system."""

OPERATOR_OPERATIONS_12 = frozenset(
    {
        "ChangeAvailability", "ChangeConfiguration", "ClearCache", "GetDiagnostics", "RemoteStartTransaction",
        "RemoteStopTransaction", "Reset", "UnlockConnector", "UpdateFirmware",
    }
)
"""What a central system calls on an OCPP 1.2 station."""

STATION_OPERATIONS_15 = STATION_OPERATIONS_12 | {"DataTransfer"}
OPERATOR_OPERATIONS_15 = OPERATOR_OPERATIONS_12 | {
    "CancelReservation", "DataTransfer", "GetConfiguration", "GetLocalListVersion", "ReserveNow", "SendLocalList",
}
STATION_OPERATIONS_16 = STATION_OPERATIONS_15
OPERATOR_OPERATIONS_16 = OPERATOR_OPERATIONS_15 | {
    "ClearChargingProfile", "GetCompositeSchedule", "SetChargingProfile", "TriggerMessage",
}


class Protocol(enum.StrEnum):
    """The protocol version a station is bound to; its value is what storage keeps (``ocpp1.5-soap``).

    Each member also says what the version has: ``number`` ("1.5"), ``station_operations`` (what its stations
    call), ``operator_operations`` (what can be sent to its stations) and ``has_pending`` (whether its
    BootNotification answer can say Pending: 1.6 can, 1.2 and 1.5 answer a pending station Rejected; a station told
    Pending may send what a TriggerMessage asks for, and may not be started or stopped remotely).
    """

    number: str
    station_operations: frozenset[str]
    operator_operations: frozenset[str]
    has_pending: bool

    def __new__(
        cls,
        value: str,
        number: str,
        station_operations: frozenset[str],
        operator_operations: frozenset[str],
        has_pending: bool,
    ) -> Protocol:
        member = str.__new__(cls, value)
        member._value_ = value
        member.number = number
        member.station_operations = station_operations
        member.operator_operations = operator_operations
        member.has_pending = has_pending
        return member

    OCPP12_SOAP = ("ocpp1.2-soap", "1.2", STATION_OPERATIONS_12, OPERATOR_OPERATIONS_12, False)
    OCPP15_SOAP = ("ocpp1.5-soap", "1.5", STATION_OPERATIONS_15, OPERATOR_OPERATIONS_15, False)
    OCPP16_SOAP = ("ocpp1.6-soap", "1.6", STATION_OPERATIONS_16, OPERATOR_OPERATIONS_16, True)

    @property
    def label(self) -> str:
        """How operators read it: ``OCPP 1.5 (SOAP)``."""
        return f"OCPP {self.number} (SOAP)"

    @property
    def package(self) -> str:
        """The name of the version's package under ``ocpp_soap.soap`` (``v15``)."""
        return "v" + self.number.replace(".", "")

    @classmethod
    def from_value(cls, value: str) -> Protocol:
        """The member stored as ``value`` (``ocpp1.5-soap``); ValueError for anything else."""
        for protocol in cls:
            if protocol.value == value:
                return protocol
        raise ValueError(f"{value!r} is not a protocol; known: {', '.join(p.value for p in cls)}")

    @classmethod
    def by_number(cls, number: str) -> Protocol:
        """The version numbered ``number`` ("1.5"); ValueError naming the known ones otherwise."""
        for protocol in cls:
            if protocol.number == number:
                return protocol
        raise ValueError(f"no OCPP version {number!r}; known: {', '.join(p.number for p in cls)}")


def operator_operations() -> frozenset[str]:
    """Every operation some version can send to a station."""
    return frozenset().union(*(protocol.operator_operations for protocol in Protocol))

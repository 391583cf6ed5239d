"""The one error hierarchy of the domain; the SOAP edge and the HTTP API each turn it into their errors in one place."""

from __future__ import annotations


class DomainError(Exception):
    """Something the sender of a command did wrong or asked for that cannot be done."""


class UnknownStation(DomainError):
    def __init__(self, charge_box_id: str) -> None:
        super().__init__(f"charging station {charge_box_id!r} is not known; it must send a BootNotification first")
        self.charge_box_id = charge_box_id


class StationNotAccepted(DomainError):
    def __init__(self, charge_box_id: str, status: str) -> None:
        super().__init__(
            f"charging station {charge_box_id!r} is not accepted by this central system "
            f"(registration status {status}); only BootNotification is answered until an operator accepts it"
        )
        self.charge_box_id = charge_box_id
        self.status = status


class InvalidCommand(DomainError):
    """A command whose field values make no sense; ``field`` names the offending field."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field


class ConcurrencyConflict(Exception):
    """Storage refused a change because a concurrent one got there first; the whole command may be retried."""


class NoHandler(Exception):
    """A programming error: a command was dispatched that nothing handles."""

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


class OperationNotSupported(DomainError):
    """The station's protocol version has no such operation (or it is not bound to any version yet)."""

    def __init__(self, charge_box_id: str, operation: str, protocol: str | None) -> None:
        where = f"its protocol {protocol}" if protocol else "it has not booted yet, so no protocol is known"
        super().__init__(f"{operation} cannot be sent to station {charge_box_id!r}: {where} has no {operation}")
        self.charge_box_id, self.operation, self.protocol = charge_box_id, operation, protocol


class TransactionNotOpen(DomainError):
    def __init__(self, charge_box_id: str, transaction_id: int) -> None:
        super().__init__(f"transaction {transaction_id} is not open on station {charge_box_id!r}")
        self.field = "transactionId"


class UnknownReservation(DomainError):
    def __init__(self, charge_box_id: str, reservation_id: int) -> None:
        super().__init__(f"reservation {reservation_id} is not an active reservation of station {charge_box_id!r}")
        self.field = "reservationId"


class ConcurrencyConflict(Exception):
    """Storage refused a change because a concurrent one got there first; the whole command may be retried."""


class StorageUnavailable(Exception):
    """The database did not answer (down, restarting, unreachable); nothing of the attempt was stored."""


class ConnectionLost(StorageUnavailable):
    """The database connection broke before the commit was sent (the server restarted, or ended the session):
    the server rolled the transaction back, so the whole command may be run again on a new connection."""


class NoHandler(Exception):
    """A programming error: a command was dispatched that nothing handles."""

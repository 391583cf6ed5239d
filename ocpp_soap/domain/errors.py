"""The one error hierarchy of the domain; the SOAP edge and the HTTP API each turn it into their errors in one place.

``field`` names the offending field by its attribute name in the domain (``transaction_id``), never by a wire name:
each edge says it in its own words (the API as ``transactionId``).
"""

from __future__ import annotations


class DomainError(Exception):
    """Something the sender of a command did wrong or asked for that cannot be done."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class UnknownStation(DomainError):
    def __init__(self, charge_box_id: str) -> None:
        super().__init__(
            f"charging station {charge_box_id!r} is not known; it must send a BootNotification first", "charge_box_id"
        )
        self.charge_box_id = charge_box_id


class StationNotAccepted(DomainError):
    def __init__(self, charge_box_id: str, status: str, message: str | None = None) -> None:
        super().__init__(
            message
            or f"charging station {charge_box_id!r} is not accepted by this central system "
            f"(registration status {status}); only BootNotification is answered until an operator accepts it"
        )
        self.charge_box_id = charge_box_id
        self.status = status


class StationPending(StationNotAccepted):
    """A pending station told Pending (OCPP 1.6) sent what only an accepted station may send."""

    def __init__(self, charge_box_id: str) -> None:
        super().__init__(
            charge_box_id,
            "Pending",
            f"charging station {charge_box_id!r} is pending (not yet accepted by an operator of this central "
            "system): until it is accepted it may send BootNotification and what a TriggerMessage asks for "
            "(StatusNotification, MeterValues, Heartbeat, FirmwareStatusNotification, "
            "DiagnosticsStatusNotification), but no Authorize, StartTransaction, StopTransaction or DataTransfer",
        )


class NotWhileNotAccepted(StationNotAccepted):
    """An operation OCPP forbids toward a station that is not accepted (1.6: RemoteStartTransaction and
    RemoteStopTransaction while Pending): refused before anything is sent."""

    def __init__(self, charge_box_id: str, operation: str, status: str, protocol: str) -> None:
        super().__init__(
            charge_box_id,
            status,
            f"{operation} cannot be sent to station {charge_box_id!r} while it is not accepted (registration status "
            f"{status}): its protocol {protocol} forbids remote starts and stops until the station is accepted; "
            "accept it first",
        )
        self.operation = operation


class InvalidCommand(DomainError):
    """A command whose field values make no sense; ``field`` names the offending field."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}", field)
        self.reason = message


class InvalidInput(InvalidCommand):
    """Input an edge could not read into a command (the API's JSON, the command line's ``key=value``, a form).

    Here ``field`` is the input's own name for the field: the path of an OCPP field as the operator wrote it
    (``localAuthorisationList[0].idTag``), since that is what the operator must correct."""


class AlreadyExists(DomainError):
    """A record with this key is stored already; ``field`` names the key."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message, field)


class UnknownIdTag(DomainError):
    def __init__(self, id_tag: str) -> None:
        super().__init__(f"id tag {id_tag!r} is not known", "id_tag")
        self.id_tag = id_tag


class UnknownAccount(DomainError):
    def __init__(self, username: str) -> None:
        super().__init__(f"account {username!r} is not known", "username")
        self.username = username


class AccountConflict(DomainError):
    """The change would leave the gateway without what it needs (its built-in administrator), or it raced with
    another change of the same record; ``field`` names what is refused."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message, field)


class OperationNotSupported(DomainError):
    """The station's protocol version has no such operation (or it is not bound to any version yet)."""

    def __init__(self, charge_box_id: str, operation: str, protocol: str | None) -> None:
        where = f"its protocol {protocol}" if protocol else "it has not booted yet, so no protocol is known"
        super().__init__(f"{operation} cannot be sent to station {charge_box_id!r}: {where} has no {operation}")
        self.charge_box_id, self.operation, self.protocol = charge_box_id, operation, protocol


class FieldNotSupported(DomainError):
    """The station's protocol version has the operation but not this field of it (1.5's RemoteStart has no
    charging profile): nothing is sent rather than something else than what was asked."""

    def __init__(self, charge_box_id: str, operation: str, field: str, protocol: str) -> None:
        super().__init__(
            f"{operation} to station {charge_box_id!r} cannot carry {field}: its protocol {protocol} has no such field",
            field,
        )


class TransactionNotOpen(DomainError):
    def __init__(self, charge_box_id: str, transaction_id: int) -> None:
        super().__init__(f"transaction {transaction_id} is not open on station {charge_box_id!r}", "transaction_id")


class UnknownReservation(DomainError):
    def __init__(self, charge_box_id: str, reservation_id: int) -> None:
        super().__init__(
            f"reservation {reservation_id} is not an active reservation of station {charge_box_id!r}", "reservation_id"
        )


class ConcurrencyConflict(Exception):
    """Storage refused a change because a concurrent one got there first; the whole command may be retried."""


class StorageUnavailable(Exception):
    """The database did not answer (down, restarting, unreachable); nothing of the attempt was stored."""


class ConnectionLost(StorageUnavailable):
    """The database connection broke before the commit was sent (the server restarted, or ended the session):
    the server rolled the transaction back, so the whole command may be run again on a new connection."""


class NoHandler(Exception):
    """A programming error: a command was dispatched that nothing handles."""

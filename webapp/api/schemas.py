"""The API's typed inputs and envelopes: query strings and request bodies (validated with these models), the
page envelope, errors and command answers. Answers of single records are the read model's values."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, Generic, TypeVar

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, WithJsonSchema

from webapp import core
from webapp.readmodel.base import Value
from webapp.timezones import BadTime, parse_time

T = TypeVar("T")
DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 500


def _time(value: Any) -> datetime:
    if isinstance(value, datetime):
        return value
    if not isinstance(value, str):
        raise ValueError("expected an ISO 8601 date and time")
    try:
        return parse_time(value, UTC)
    except BadTime as exc:
        raise ValueError(f"expected an ISO 8601 date and time ({exc})") from None


TimeInput = Annotated[datetime, BeforeValidator(_time),
                      WithJsonSchema({"type": "string", "format": "date-time",
                                      "description": "ISO 8601; without a zone, UTC"})]


class Input(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True, frozen=True)


class PageQuery(Input):
    page: int = Field(1, ge=1, description="Page number, from 1")
    per_page: int = Field(DEFAULT_PER_PAGE, ge=1, le=MAX_PER_PAGE, description="Items per page")


def _version(value: str) -> str:
    for protocol in core.protocols():
        if value in (protocol.value, core.protocol_version(protocol)):
            return protocol.value
    known = ", ".join(core.protocol_version(p) for p in core.protocols())
    raise ValueError(f"expected one of {known} (or a protocol such as ocpp1.5-soap)")


class StationQuery(PageQuery):
    search: str | None = Field(None, description="Part of the station id, case-insensitive")
    status: core.RegistrationStatus | None = Field(None, description="Registration status")
    version: Annotated[str, AfterValidator(_version)] | None = Field(
        None, description="Protocol version: 1.2, 1.5, or a protocol such as ocpp1.5-soap")
    online: bool | None = Field(None, description="true: online stations only; false: the others")


class TransactionQuery(PageQuery):
    station: str | None = Field(None, description="Only this station's transactions")
    idTag: str | None = Field(None, description="Only those started with this id tag")
    open: bool | None = Field(None, description="true: open ones; false: stopped ones")
    refused: bool | None = Field(None, description="true: refused starts only; false: sessions (accepted starts) only")
    from_: TimeInput | None = Field(None, alias="from", description="Started at or after (ISO 8601)")
    to: TimeInput | None = Field(None, description="Started before (ISO 8601)")
    format: str = Field("json", pattern="^(json|csv)$", description="csv: every matching transaction as CSV")


class FormatQuery(Input):
    format: str = Field("json", pattern="^(json|csv)$", description="csv: the meter values as CSV")


class CommandQuery(PageQuery):
    station: str | None = Field(None, description="Only this station's commands")


class ReservationQuery(PageQuery):
    station: str | None = Field(None, description="Only this station's reservations")
    state: core.ReservationState | None = Field(None, description="Only reservations in this state")


class MessageQuery(PageQuery):
    station: str | None = Field(None, description="Only this station's exchanges")
    direction: core.Direction | None = Field(None, description="in: stations calling us; out: our calls to stations")
    operation: str | None = Field(None, description="Only this OCPP operation")
    outcome: str | None = Field(None, description="Only this outcome")
    faults: bool | None = Field(None, description="true: only exchanges that did not end well")


class IdTagQuery(PageQuery):
    search: str | None = Field(None, description="Part of the id tag, case-insensitive")


class ActivityQuery(PageQuery):
    actor: str | None = Field(None, description="Only changes made by this account (or actor)")
    target: str | None = Field(None, description="Only changes of this record (a station id, an id tag, an account)")


IdToken = Annotated[str, Field(min_length=1, max_length=core.ID_TOKEN_MAX)]


class StationRegistration(Input):
    chargeBoxId: str = Field(min_length=1, max_length=core.CHARGE_BOX_ID_MAX, description="The station's chargeBoxIdentity")
    status: core.RegistrationStatus = Field(core.RegistrationStatus.ACCEPTED, description="Its registration (default Accepted)")


class IdTagFields(Input):
    idTag: IdToken | None = Field(None, description="The id tag (required when creating; must match the path when updating)")
    status: core.AuthorizationStatus = Field(description="Accepted, Blocked, Expired or Invalid")
    expiryDate: TimeInput | None = Field(None, description="When an Accepted tag expires (ISO 8601)")
    parentIdTag: IdToken | None = Field(None, description="Its group's parent tag (must be a known tag)")


class AccountFields(Input):
    username: str = Field(min_length=1, max_length=64, description="The user name (letters, digits, - _ . @)")
    role: core.Role = Field(description="read-only, operator or admin")
    password: str = Field(min_length=core.PASSWORD_MIN_LENGTH, max_length=1024, description="Its password, at least 10 characters")
    timeZone: str = Field("UTC", description="IANA zone its pages show times in")


class AccountChange(Input):
    role: core.Role | None = Field(None, description="A new role")
    password: str | None = Field(None, min_length=core.PASSWORD_MIN_LENGTH, max_length=1024, description="A new password (ends its sessions)")
    timeZone: str | None = Field(None, description="A new time zone")


class TokenRequest(Input):
    label: str = Field(min_length=1, max_length=64, description="What the token is for")


# Answers


class PageOf(Value, Generic[T]):
    items: list[T] = Field(description="This page's items")
    page: int = Field(description="The page number")
    per_page: int = Field(alias="per_page", description="Items per page")
    total: int = Field(description="How many items match, or at least how many when total_exact is false "
                                   "(counting stops 10,000 items past the page asked for)")
    total_exact: bool = Field(alias="total_exact", description="Whether total is the exact count")


class ErrorBody(Value):
    code: str = Field(description="not-found, invalid, already-exists, unauthorized, forbidden, ... or a command's outcome")
    message: str = Field(description="What is wrong, in words")
    field: str | None = Field(None, description="The input field at fault, under its API name")


class ErrorAnswer(Value):
    error: ErrorBody = Field(description="What went wrong")


class CommandResult(Value):
    outcome: str = Field(description="answered, or how the call ended: no-address, unreachable, timeout, fault, bad-answer")
    answer: dict[str, Any] = Field(description="The station's answer fields under their OCPP names")
    added: dict[str, Any] = Field(description="What the gateway added to the request (the reservationId it generated, the listVersion it chose)")
    remarks: dict[str, Any] = Field(description="What the gateway concluded from the answer (e.g. whether the local list version matches)")
    duration_ms: float = Field(description="How long the call took, ms")
    command_log_id: int | None = Field(description="The command log entry (GET /api/commands/{commandId})")
    requested_by: str | None = Field(description="Who sent it")


class CommandFailure(CommandResult):
    error: ErrorBody = Field(description="How the call ended, with the reason")


class IssuedToken(Value):
    id: int = Field(description="The token's id")
    label: str = Field(description="What it is for")
    token: str = Field(description="The token itself: shown only in this answer, stored only as a hash")


class Me(Value):
    name: str = Field(description="Who the token belongs to")
    role: core.Role = Field(description="The role it has")
    account: bool = Field(description="False for the administrator's token of OCPP_SOAP_API_TOKEN (no account)")

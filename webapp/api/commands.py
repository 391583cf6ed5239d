"""``/api/commands``: the command log; ``/api/stations/<id>/commands/<Operation>``: send a command to a station.

The body holds the operation's fields under their OCPP names (``operations.py`` turns them into the domain
command) and the bus sends it, recording who asked. What came of it decides the status: 200 when the station
answered (its answer may still say Rejected), 409 when no address is known, 504 on a timeout, 502 when
unreachable, a fault or nonsense.
"""

from __future__ import annotations

from typing import Any

from webapp import context, core, operations
from webapp.readmodel import commands as rm
from webapp.readmodel.base import Page

from .blueprint import NOT_FOUND, STATION, Answer, PathParam, route
from .routing import CALL_FAILURES, ApiError, from_domain, json_object, not_found
from .schemas import CommandFailure, CommandQuery, CommandResult, ErrorAnswer, PageOf


class CommandPage(PageOf[rm.CommandItem]):
    """A page of the command log, newest first."""


@route("GET", "/commands", summary="The command log, newest first", tag="Commands", query=CommandQuery,
       answers=(Answer(200, "A page of commands", CommandPage),))
def list_commands(query: CommandQuery) -> CommandPage:
    page = Page(query.page, query.per_page)
    listing = rm.list_commands(context.engine(), page, station=query.station)
    return CommandPage(items=listing.items, page=page.number, per_page=page.size, total=listing.total,
                       total_exact=listing.total_exact)


COMMAND = PathParam("command_id", "commandId", "The command log entry's id", integer=True)


@route("GET", "/commands/<int:command_id>", summary="One command log entry", tag="Commands", params=(COMMAND,),
       answers=(Answer(200, "The entry", rm.CommandItem), Answer(404, NOT_FOUND, ErrorAnswer)))
def show_command(command_id: int) -> rm.CommandItem:
    found = rm.command(context.engine(), command_id)
    if found is None:
        raise not_found("command")
    return found


OPERATION = PathParam("operation", "operation", "The OCPP operation (RemoteStartTransaction, Reset, ...)")


def _body_schema() -> dict[str, Any]:
    specs = operations.operation_forms()
    return {"oneOf": [operations.body_schema(name) for name in specs],
            "description": "The operation's fields under their OCPP names, e.g. {\"connectorId\": 1, \"idTag\": \"ABC\"}"}


@route("POST", "/stations/<charge_box_id>/commands/<operation>", summary="Send an operation to a station and wait for its answer",
       tag="Commands", role=core.Role.OPERATOR, params=(STATION, OPERATION), body_schema=_body_schema,
       answers=(Answer(200, "The station answered (its answer may still say Rejected)", CommandResult),
                Answer(404, NOT_FOUND, ErrorAnswer),
                Answer(409, "No address is known (a command failure), or the station's version has no such operation (an error)",
                       (CommandFailure, ErrorAnswer)),
                Answer(502, "Unreachable, a SOAP fault, or an answer that is not OCPP", CommandFailure),
                Answer(504, "The station did not answer in time", CommandFailure)))
def send_command(charge_box_id: str, operation: str) -> CommandResult:
    request = operations.to_command(charge_box_id, operation, json_object())
    try:
        result: core.StationCallResult[Any] = context.write(request)
    except core.DomainError as exc:
        raise from_domain(exc, type(request)) from None
    who = context.principal()
    report = core.call_report(request, result)
    summary = CommandResult(
        outcome=report["outcome"], answer=report["answer"], added=report["added"], remarks=report["remarks"],
        duration_ms=report["durationMs"], command_log_id=report["commandLogId"], requested_by=who.name if who else None,
    )
    status = CALL_FAILURES.get(result.outcome.value)
    if status is not None:
        raise ApiError(status, result.outcome.value, result.error or result.outcome.value,
                       **summary.model_dump(mode="json"))
    return summary

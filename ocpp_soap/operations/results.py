"""What came of a request to a station, as the API and the command line report it, under OCPP names."""

from __future__ import annotations

from typing import Any

from ..domain import station_requests as sr
from ..json_values import to_jsonable
from .shapes import to_wire


def added_fields(asked: sr.StationRequest[Any], sent: sr.StationRequest[Any] | None) -> dict[str, Any]:
    """The fields the gateway filled in before sending (a reservation id, the next local-list version)."""
    if sent is None:
        return {}
    return _added(to_wire(asked), to_wire(sent))


def _added(given: dict[str, Any], went: dict[str, Any]) -> dict[str, Any]:
    """What ``went`` has that ``given`` has not, also inside nested objects (a TxProfile's transactionId)."""
    added: dict[str, Any] = {}
    for name, value in went.items():
        if name not in given:
            added[name] = value
        elif isinstance(value, dict) and isinstance(given[name], dict):
            inner = _added(given[name], value)
            if inner:
                added[name] = inner
    return added


def call_report(asked: sr.StationRequest[Any], result: sr.StationCallResult[Any]) -> dict[str, Any]:
    """``outcome``, the station's ``answer``, what the gateway ``added`` and its ``remarks``, ``durationMs`` and
    ``commandLogId``: every value JSON, every name an OCPP one."""
    return {
        "outcome": result.outcome.value,
        "answer": to_jsonable(to_wire(result.answer)) if result.answer is not None else {},
        "added": to_jsonable(added_fields(asked, result.sent)),
        "remarks": to_jsonable(to_wire(result.remarks)) if result.remarks is not None else {},
        "durationMs": round(result.duration_ms, 1),
        "commandLogId": result.log_id,
    }


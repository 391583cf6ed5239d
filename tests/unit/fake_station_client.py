"""A recording fake of the station-client port, answering per operation; :func:`lacking` names the versions
whose stations cannot be sent an operation (from the version registry)."""

from __future__ import annotations

import dataclasses
from typing import Any

from ocpp_soap.domain import station_requests as sr
from ocpp_soap.domain.model import Protocol
from ocpp_soap.operations import shape_of, to_wire
from ocpp_soap.operations.shapes import read


def lacking(operation: str) -> list[Protocol]:
    """The versions whose stations cannot be sent ``operation``."""
    return [protocol for protocol in Protocol if operation not in protocol.operator_operations]


class FakeStationClient:
    """Records each call as (protocol, address, the request's OCPP fields) and answers what the test set for the
    operation (OCPP fields read into the request's answer type, as the SOAP edge reads a station's answer, or a
    whole :class:`StationCallResult`); by default ``{"status": "Accepted"}``. ``lacks`` says which OCPP fields a
    version's message cannot carry (1.2 and 1.5 have no RemoteStart ``chargingProfile``)."""

    def __init__(self, smart: Protocol | None = None) -> None:
        self.calls: list[tuple[Protocol, str, sr.StationCall]] = []
        self.answers: dict[str, dict[str, Any] | sr.StationCallResult[Any]] = {}
        self.lacks: dict[Protocol, set[str]] = {p: {"chargingProfile"} for p in Protocol if p is not smart}

    def answer(self, operation: str, answer: dict[str, Any] | sr.StationCallResult[Any]) -> None:
        self.answers[operation] = answer

    def fail(self, operation: str, outcome: sr.CallOutcome, error: str = "it went wrong") -> None:
        self.answers[operation] = sr.StationCallResult(outcome, error=error, duration_ms=3.0)

    def unsupported_field(self, protocol: Protocol, request: sr.StationRequest[Any]) -> str | None:
        given = to_wire(request)
        for f in shape_of(type(request)).fields:
            if f.wire in given and f.wire in self.lacks.get(protocol, set()):
                return f.members()[0].attribute
        return None

    def call(self, protocol: Protocol, address: str, request: sr.StationRequest[Any]) -> sr.StationCallResult[Any]:
        self.calls.append((protocol, address, sr.StationCall(request.operation, to_wire(request))))
        answer = self.answers.get(request.operation, {"status": "Accepted"})
        if isinstance(answer, sr.StationCallResult):
            if isinstance(answer.answer, dict):
                return dataclasses.replace(answer, answer=read(request.answer_type, answer.answer, strict=False))
            return answer
        return sr.StationCallResult(sr.CallOutcome.ANSWERED, read(request.answer_type, answer, strict=False))

    def sent(self, operation: str) -> list[dict[str, Any]]:
        """The OCPP fields of every call of ``operation``."""
        return [call.fields for _, _, call in self.calls if call.operation == operation]

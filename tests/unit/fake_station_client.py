"""A recording fake of the station-client port, answering per operation, and the protocol the 1.6 operations go to
in tests while the 1.6 SOAP version lives on another branch.

:func:`protocol_16` is ``Protocol.OCPP16_SOAP`` once that exists. Until then it is a stand-in: OCPP 1.5 given the
four 1.6-only operations for the test's duration (``monkeypatch`` puts 1.5 back), so that the bus sends them
through the fake client. Tests that need a version *without* them take them from :func:`lacking`, evaluated after
the stand-in is in place, so they hold with the stand-in and with the real 1.6 alike.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from ocpp_soap.domain import station_requests as sr
from ocpp_soap.domain.model import Protocol
from ocpp_soap.operations import shape_of, to_wire
from ocpp_soap.operations.shapes import read

ONLY_16 = frozenset({"ClearChargingProfile", "GetCompositeSchedule", "SetChargingProfile", "TriggerMessage"})
"""The charge-point operations 1.6 adds to 1.5's."""


def protocol_16(monkeypatch: pytest.MonkeyPatch) -> Protocol:
    real = getattr(Protocol, "OCPP16_SOAP", None)
    if real is not None:
        return real  # type: ignore[no-any-return]
    stand_in = Protocol.OCPP15_SOAP
    monkeypatch.setattr(stand_in, "operator_operations", stand_in.operator_operations | ONLY_16)
    return stand_in


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

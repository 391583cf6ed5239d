"""Operator input (OCPP field names, as the CLI and the API take them) into domain commands, with errors naming the field."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from ocpp_soap.domain import station_requests as sr
from ocpp_soap.domain.errors import InvalidCommand
from ocpp_soap.domain.model import AuthorizationStatus
from ocpp_soap.operator_input import OPERATIONS, parse_station_request


def test_every_operation_is_parseable() -> None:
    assert set(OPERATIONS) == {cls.operation for cls in sr.STATION_REQUESTS}


def test_fields_are_converted() -> None:
    command = parse_station_request("CB1", "RemoteStartTransaction", {"idTag": "ABC", "connectorId": "2"})
    assert command == sr.RequestRemoteStart("CB1", id_tag="ABC", connector_id=2)
    reserve = parse_station_request(
        "CB1", "ReserveNow", {"connectorId": 1, "expiryDate": "2026-11-24T13:00:00+01:00", "idTag": "T"}
    )
    assert reserve.expiry_date == datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
    local = parse_station_request(
        "CB1", "SendLocalList",
        {"updateType": "Differential", "localAuthorisationList": [{"idTag": "A", "idTagInfo": {"status": "Blocked"}}, {"idTag": "B"}]},
    )
    assert local.entries == (sr.LocalListEntry("A", AuthorizationStatus.BLOCKED), sr.LocalListEntry("B"))
    assert parse_station_request("CB1", "GetConfiguration", {"key": ["a", "b"]}).keys == ("a", "b")


@pytest.mark.parametrize(
    ("operation", "fields", "field"),
    [
        ("RemoteStartTransaction", {}, "idTag"),
        ("RemoteStartTransaction", {"idTag": "A", "connectorId": "one"}, "connectorId"),
        ("Reset", {"type": "Medium"}, "type"),
        ("ReserveNow", {"connectorId": 1, "expiryDate": "tomorrow", "idTag": "T"}, "expiryDate"),
        ("UnlockConnector", {"connectorId": 1, "colour": "red"}, "colour"),
        ("SendLocalList", {"updateType": "Full", "localAuthorisationList": [{"idTag": "A", "idTagInfo": {"status": "Maybe"}}]},
         "localAuthorisationList[0].idTagInfo.status"),
        ("Teleport", {}, "operation"),
        ("RemoteStopTransaction", {"transactionId": 2**40}, "transactionId"),
    ],
)
def test_errors_name_the_field(operation: str, fields: dict, field: str) -> None:
    with pytest.raises(InvalidCommand) as info:
        parse_station_request("CB1", operation, fields)
    assert info.value.field == field
    assert field.split("[")[0] in str(info.value)

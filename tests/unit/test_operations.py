"""The operation specs: operator input (OCPP field names, as the CLI, the API and the forms take them) into
requests to stations, with errors naming the field, and requests back into OCPP fields."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from ocpp_soap.domain import model as m
from ocpp_soap.domain import station_requests as sr
from ocpp_soap.domain.errors import InvalidCommand
from ocpp_soap.domain.model import AuthorizationStatus
from ocpp_soap.operations import SPECS, parse_request, to_wire


def test_every_operation_is_parseable() -> None:
    assert set(SPECS) == {cls.operation for cls in sr.STATION_REQUESTS}


def test_every_operation_a_version_has_is_specified_but_the_smart_charging_ones_to_come() -> None:
    """The registry lists 1.6's four new operations (its charge-point service and WSDL are built from them); their
    request types and specs come with the smart-charging work. Until then nothing offers or sends them: the forms
    list specified operations only, the API answers "unknown operation", the bus has no request type for them."""
    from ocpp_soap.domain.versions import operator_operations

    assert operator_operations() - set(SPECS) <= {
        "ClearChargingProfile", "GetCompositeSchedule", "SetChargingProfile", "TriggerMessage",
    }


def test_fields_are_converted() -> None:
    command = parse_request("CB1", "RemoteStartTransaction", {"idTag": "ABC", "connectorId": "2"})
    assert command == sr.RequestRemoteStart("CB1", id_tag="ABC", connector_id=2)
    reserve = parse_request(
        "CB1", "ReserveNow", {"connectorId": 1, "expiryDate": "2026-11-24T13:00:00+01:00", "idTag": "T"}
    )
    assert reserve.expiry_date == datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
    local = parse_request(
        "CB1", "SendLocalList",
        {"updateType": "Differential", "localAuthorisationList": [{"idTag": "A", "idTagInfo": {"status": "Blocked"}}, {"idTag": "B"}]},
    )
    assert local.entries == (m.LocalListEntry("A", AuthorizationStatus.BLOCKED), m.LocalListEntry("B"))
    assert parse_request("CB1", "GetConfiguration", {"key": ["a", "b"]}).keys == ("a", "b")


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
        parse_request("CB1", operation, fields)
    assert info.value.field == field
    assert field.split("[")[0] in str(info.value)


def test_every_spec_describes_every_field_of_its_request_and_answer() -> None:
    for spec in SPECS.values():  # a shape that misses a field fails at import; this names each one read
        assert spec.request.type.operation == spec.operation
        assert spec.answer.type is spec.request.type.answer_type


def test_requests_go_back_to_their_ocpp_fields() -> None:
    request = parse_request(
        "CB1", "SendLocalList",
        {"updateType": "Full", "listVersion": 3, "localAuthorisationList": [
            {"idTag": "A", "idTagInfo": {"status": "Accepted", "expiryDate": "2026-11-24T12:00:00Z"}}, {"idTag": "B"},
        ]},
    )
    assert to_wire(request) == {
        "updateType": "Full", "listVersion": 3, "localAuthorisationList": [
            {"idTag": "A", "idTagInfo": {"status": "Accepted", "expiryDate": datetime(2026, 11, 24, 12, 0, tzinfo=UTC)}},
            {"idTag": "B"},
        ],
    }


def test_a_field_the_gateway_assigns_cannot_be_given() -> None:
    with pytest.raises(InvalidCommand) as info:
        parse_request("CB1", "ReserveNow", {"connectorId": 1, "expiryDate": "2030-01-01T00:00:00Z", "idTag": "T",
                                            "reservationId": 7})
    assert info.value.field == "reservationId"

"""Where the back office and a SOAP station do not speak alike, end to end: a Pending registration, a back-office
transaction id a SOAP station cannot hold, an id tag 1.6 cannot carry, and the routes of every 1.6 action."""

from __future__ import annotations

import itertools

import pytest
from ocpp.v16.enums import Action

from ocpp_soap.domain.versions import Protocol
from ocpp_soap.persistence.orm import StationRow
from ocpp_soap.persistence.relay_orm import RelayCounterRow
from ocpp_soap.relay.downstream import CHARGE_POINT_ACTIONS, Route, route

from .harness import Relayed, eventually


def test_a_pending_registration(relayed: Relayed) -> None:
    relayed.office.boot_status, relayed.office.interval = "Pending", 42
    relayed.start_relay()
    station = relayed.stations.link("1.5", "CB1")
    reply = station.boot()
    assert (reply.accepted, reply.heartbeat_interval) == (False, 42)  # 1.5 has no Pending: Rejected, retry in 42 s
    eventually(lambda: (r := relayed.link_row("CB1")) is not None and r.registration == "Pending", "the verdict")
    station.status(1, "Available")  # queued: 1.6 sends nothing but boots before the back office accepts
    assert [row.action for row in relayed.queued("CB1")] == ["StatusNotification"]
    relayed.office.boot_status = "Accepted"
    assert station.boot().accepted
    eventually(lambda: relayed.queued("CB1") == [], "the status sent once registered")


def test_a_new_station_is_registered_by_the_back_office(database_url: str, tmp_path) -> None:
    setup = Relayed(database_url, tmp_path, auto_accept=False)
    try:
        setup.start_relay()
        station = setup.stations.link("1.2", "NEW1")
        assert station.boot().accepted  # the back office accepted it: ocpp-soap follows (it was pending)
        (row,) = setup.rows(StationRow, charge_box_id="NEW1")
        assert row.registration_status == "Accepted"
        setup.office.boot_status = "Rejected"
        assert not setup.stations.link("1.2", "NEW2").boot().accepted
        (row,) = setup.rows(StationRow, charge_box_id="NEW2")
        assert row.registration_status == "Pending"  # an operator may still accept it here
    finally:
        setup.close()


def test_a_back_office_id_a_soap_station_cannot_hold(relayed: Relayed, version: str) -> None:
    relayed.office.transaction_ids = itertools.count(2**31 + 5)
    relayed.start_relay()
    station = relayed.stations.link(version, "CB1")
    assert station.boot().accepted
    relayed.wait_connected("CB1")
    started = station.start(1, "TAG1")
    assert started.transaction_id < 2**31  # ocpp-soap's id: the station keeps it
    (mapping,) = relayed.ids("CB1")
    assert (mapping.station_id, mapping.csms_id) == (started.transaction_id, 2**31 + 5)
    station.stop(started.transaction_id, "TAG1", 2000)
    stop = eventually(lambda: relayed.office.messages("CB1", "StopTransaction"), "the stop")
    assert stop[0].payload["transactionId"] == 2**31 + 5  # the back office only sees its own


def test_an_id_tag_longer_than_16_allows(relayed: Relayed) -> None:
    relayed.start_relay()
    station = relayed.stations.link("1.2", "CB1")
    assert station.boot().accepted
    relayed.wait_connected("CB1")
    assert station.link.authorize("T" * 25).value == "Invalid"  # ocpp-soap's answer: it knows no such tag
    assert relayed.office.messages("CB1", "Authorize") == []
    (dropped,) = relayed.rows(RelayCounterRow, operation="Authorize", outcome="dropped")
    assert dropped.count == 1


@pytest.mark.parametrize("protocol", list(Protocol), ids=lambda p: p.number)
def test_every_16_action_has_a_route(protocol: Protocol) -> None:
    for action in Action:
        decided = route(protocol, action.value)
        if action.value not in CHARGE_POINT_ACTIONS:
            assert decided is Route.NOT_SUPPORTED, action  # sent the wrong way
        elif action.value in protocol.operator_operations:
            assert decided is Route.STATION, action
        elif action.value == "TriggerMessage":
            assert decided is Route.EMULATE
        else:
            assert decided is Route.NOT_SUPPORTED, action

"""Whole sessions of SOAP stations of every version through the relay: what the back office receives (1.6-J,
in order, under its own ids), what the station is answered (the back office's answer when it comes in time), and
the ids mapped both ways for the whole session, in both cases: the back office answered the start in time, or
not (the station keeps ocpp-soap's id)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from ocpp.v16 import call

from ocpp_soap.persistence.orm import CommandLogRow, MessageLogRow
from tests.e2e.fake_station import FakeStation

from .harness import Relayed, charge_point_namespace, eventually


@pytest.fixture
def fake(version: str) -> Iterator[FakeStation]:
    station = FakeStation(charge_point_namespace(version), None)
    yield station
    station.stop()


def actions(relayed: Relayed, station: str) -> list[str]:
    return [m.action for m in relayed.office.messages(station)]


def test_a_session_answered_by_the_back_office(relayed: Relayed, version: str, fake: FakeStation) -> None:
    relayed.start_relay()
    office = relayed.office
    office.tags["BLOCKED"] = "Blocked"
    station = relayed.stations.link(version, "CB1", fake.url)
    assert station.boot().accepted
    relayed.wait_connected("CB1")
    station.status(1, "Available")
    station.status(1, "Occupied")  # a car plugged in, no session yet
    assert station.link.authorize("BLOCKED").value == "Blocked"  # the back office's verdict, not ocpp-soap's
    started = station.start(1, "TAG1", meter=1000)
    assert started.transaction_id == 5000  # the back office's id
    local = relayed.ids("CB1")[0]
    assert (local.station_id, local.csms_id) == (5000, 5000) and local.local_id != 5000
    assert relayed.transaction(local.local_id) is not None  # ocpp-soap keeps its own id
    station.meter(1, 5000 if version == "1.5" else None, 1500)
    # The back office stops the session under its id; the station is sent the id it knows (5000 as well).
    assert office.call("CB1", call.RemoteStopTransaction(transaction_id=5000)).status == "Accepted"
    assert fake.received[-1].operation == "RemoteStopTransaction"
    assert fake.received[-1].body.findtext(f"{{{charge_point_namespace(version)}}}transactionId") == "5000"
    (command,) = relayed.rows(CommandLogRow, charge_box_id="CB1", operation="RemoteStopTransaction")
    assert command.parameters["transactionId"] == local.local_id  # the command log keeps ocpp-soap's id
    station.stop(5000, "TAG1", 2500)
    eventually(lambda: office.messages("CB1", "StopTransaction"), "the stop")
    eventually(lambda: len(office.messages("CB1", "StatusNotification")) >= 4, "the statuses that follow the session")
    assert actions(relayed, "CB1") == [
        "BootNotification", "StatusNotification", "StatusNotification", "Authorize", "StartTransaction",
        "StatusNotification", "MeterValues", "StopTransaction", "StatusNotification",
    ]
    statuses = [m.payload["status"] for m in office.messages("CB1", "StatusNotification")]
    assert statuses == ["Available", "Preparing", "Charging", "Finishing"]  # Occupied, as the session went
    (stop,) = office.messages("CB1", "StopTransaction")
    assert stop.payload["transactionId"] == 5000 and stop.payload["meterStop"] == 2500
    (values,) = office.messages("CB1", "MeterValues")
    assert values.payload["transactionId"] == 5000  # 1.2 names no session: the connector's open one
    assert relayed.transaction(local.local_id).meter_stop == 2500  # type: ignore[union-attr]
    eventually(lambda: relayed.queued("CB1") == [], "every message acknowledged")
    # Both legs are in the message log: the SOAP exchanges and the JSON frames.
    directions = {row.direction for row in relayed.rows(MessageLogRow, charge_box_id="CB1")}
    assert {"in", "out", "bo-out", "bo-in"} <= directions


def test_a_station_that_got_a_local_id_keeps_it(relayed: Relayed, version: str, fake: FakeStation) -> None:
    relayed.start_relay()
    office = relayed.office
    station = relayed.stations.link(version, "CB1", fake.url)
    assert station.boot().accepted
    relayed.wait_connected("CB1")

    async def slow(msg: object) -> None:
        import asyncio

        await asyncio.sleep(6)  # longer than the answer bound (5 s here)

    office.behaviour["StartTransaction"] = slow
    started = station.start(1, "TAG1")
    assert started.transaction_id < 5000  # ocpp-soap's own id: the back office was too slow
    del office.behaviour["StartTransaction"]
    local_id = started.transaction_id
    station.meter(1, local_id if version == "1.5" else None, 1200)
    station.stop(local_id, "TAG1", 1400)
    eventually(lambda: office.messages("CB1", "StopTransaction"), "the stop")
    (start,) = office.messages("CB1", "StartTransaction")  # sent once: the late answer was kept, not sent again
    (mapping,) = relayed.ids("CB1")
    assert (mapping.local_id, mapping.station_id, mapping.csms_id) == (local_id, local_id, 5000)
    assert office.messages("CB1", "MeterValues")[0].payload["transactionId"] == 5000
    assert office.messages("CB1", "StopTransaction")[0].payload["transactionId"] == 5000

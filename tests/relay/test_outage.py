"""The back office away during a session, and back: the station is answered by ocpp-soap at once, every message is
queued in the station's own transaction, and when the back office is back the queue goes out in order, the
queued StartTransaction gets the back office's id and the session's later messages go under it, while the station
keeps the id it was given."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from ocpp.v16 import call

from tests.e2e.fake_station import FakeStation

from .harness import Relayed, charge_point_namespace, eventually


@pytest.fixture
def fake(version: str) -> Iterator[FakeStation]:
    station = FakeStation(charge_point_namespace(version), None)
    yield station
    station.stop()


def test_back_office_away_during_a_session(relayed: Relayed, version: str, fake: FakeStation) -> None:
    relayed.start_relay()
    office = relayed.office
    station = relayed.stations.link(version, "CB1", fake.url)
    assert station.boot().accepted
    relayed.wait_connected("CB1")
    port = office.port
    office.stop_listening()
    eventually(lambda: not office.connected("CB1") and not relayed.link_row("CB1").connected,  # type: ignore[union-attr]
               "the link down")

    began = time.monotonic()
    station.status(1, "Occupied")
    started = station.start(1, "TAG1", meter=100)
    assert time.monotonic() - began < 3  # answered by ocpp-soap at once, not after the answer bound
    local_id = started.transaction_id
    assert local_id < 5000
    station.meter(1, local_id if version == "1.5" else None, 150)
    station.stop(local_id, "TAG1", 200)
    station.status(1, "Available")
    started_again = station.start(2, "TAG2", meter=10)  # a session still open when the back office is back
    queued = [(row.action, row.origin) for row in relayed.queued("CB1")]
    assert queued == [
        ("StatusNotification", "station"), ("StartTransaction", "station"), ("StatusNotification", "derived"),
        ("MeterValues", "station"), ("StopTransaction", "station"), ("StatusNotification", "derived"),
        ("StatusNotification", "station"), ("StartTransaction", "station"),
    ]
    assert relayed.link_row("CB1").last_error  # type: ignore[union-attr]  # why it is not connected

    office.start(port)
    eventually(lambda: relayed.queued("CB1") == [], "the queue sent", timeout=30)
    sent = [(m.action, m.payload.get("status") or m.payload.get("transactionId")) for m in office.messages("CB1")][1:]
    assert sent == [
        ("StatusNotification", "Preparing"), ("StartTransaction", None), ("StatusNotification", "Charging"),
        ("MeterValues", 5000), ("StopTransaction", 5000), ("StatusNotification", "Finishing"),
        ("StatusNotification", "Available"), ("StartTransaction", None),
    ]
    mappings = {row.local_id: (row.station_id, row.csms_id) for row in relayed.ids("CB1")}
    assert mappings[local_id] == (local_id, 5000)  # the station keeps ocpp-soap's id
    second = started_again.transaction_id
    assert mappings[second] == (second, 5001)
    # The back office stops the open session under its own id; the station is sent the id it knows.
    assert office.call("CB1", call.RemoteStopTransaction(transaction_id=5001)).status == "Accepted"
    assert fake.received[-1].body.findtext(f"{{{charge_point_namespace(version)}}}transactionId") == str(second)
    station.meter(2, second if version == "1.5" else None, 20)
    eventually(lambda: office.messages("CB1", "MeterValues")[-1].payload.get("transactionId") == 5001,
               "readings of the open session under the back office's id")


def test_metrics_count_what_went_to_the_back_office(relayed: Relayed) -> None:
    from webapp import create_webapp

    relayed.start_relay()
    station = relayed.stations.link("1.5", "CB1")
    assert station.boot().accepted
    relayed.wait_connected("CB1")
    relayed.office.stop_listening()
    eventually(lambda: not relayed.link_row("CB1").connected, "the link down")  # type: ignore[union-attr]
    station.status(1, "Available")
    text = create_webapp(relayed.gateway).test_client().get("/metrics").get_data(as_text=True)
    assert "ocpp_soap_relay_queue_depth 1.0" in text and "ocpp_soap_relay_connections 0.0" in text
    assert 'ocpp_soap_relay_messages_total{operation="BootNotification",outcome="forwarded"} 1.0' in text

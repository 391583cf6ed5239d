from __future__ import annotations

from .harness import Relayed, eventually


def test_a_session_reaches_the_back_office(relayed: Relayed, version: str) -> None:
    relayed.start_relay()
    station = relayed.stations.link(version, "CB1")
    reply = station.boot()
    assert reply.accepted
    relayed.wait_connected("CB1")
    station.status(1, "Available")
    started = station.start(1, "TAG1")
    assert started.transaction_id >= 5000, started
    station.meter(1, started.transaction_id if version == "1.5" else None, 1500)
    station.stop(started.transaction_id, "TAG1", 2000)
    office = relayed.office
    eventually(lambda: office.messages("CB1", "StopTransaction"), "the stop at the back office")
    print([(m.action, m.payload) for m in office.messages("CB1")])

"""The relay as real processes: killed while messages are queued (nothing lost, nothing the back office
acknowledged sent again), and two relays on one PostgreSQL (one socket per station, ownership moving when one
dies)."""

from __future__ import annotations

import time
from collections import Counter

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from ocpp_soap.persistence.relay_orm import RelayLinkRow, RelayNodeRow
from ocpp_soap.persistence.relay_store import outbox_entry
from ocpp_soap.relay.records import uid_for

from .harness import Relayed, RelayProcess, eventually


def alive_nodes(relayed: Relayed) -> list[str]:
    from datetime import UTC, datetime

    with Session(relayed.gateway.database) as session:
        return list(session.scalars(select(RelayNodeRow.node_id).where(RelayNodeRow.expires_at > datetime.now(UTC))))


def start(relayed: Relayed, name: str) -> RelayProcess:
    before = set(alive_nodes(relayed))
    process = RelayProcess(relayed.settings, relayed.tmp_path / f"relay-{name}.log")
    try:
        eventually(lambda: set(alive_nodes(relayed)) - before, f"relay {name} announced", timeout=30)
    except AssertionError:
        process.stop()
        raise AssertionError(process.output()) from None
    return process


def test_the_relay_killed_while_messages_are_queued(relayed: Relayed) -> None:
    office = relayed.office
    first = start(relayed, "1")
    processes = [first]
    try:
        station = relayed.stations.link("1.5", "CB1")
        assert station.boot().accepted
        relayed.wait_connected("CB1")
        eventually(lambda: relayed.queued("CB1") == [] and office.messages("CB1", "BootNotification"), "the boot")
        first.kill()  # nothing relays now: everything the station sends is queued
        for number in range(30):
            station.status(1, "Available" if number % 2 else "Unavailable")
        rows = relayed.queued("CB1")
        assert len(rows) == 30

        async def slow(msg: object) -> None:
            import asyncio

            await asyncio.sleep(0.1)

        office.behaviour["StatusNotification"] = slow
        second = start(relayed, "2")
        processes.append(second)
        eventually(lambda: len(relayed.queued("CB1")) <= 22, "a few messages delivered", timeout=30)
        second.kill()  # in the middle of the queue
        acked = {row.id for row in relayed.outbox("CB1") if row.state == "acked"}
        received_before = Counter(m.unique_id for m in office.messages("CB1", "StatusNotification"))
        third = start(relayed, "3")
        processes.append(third)
        eventually(lambda: relayed.queued("CB1") == [], "the whole queue delivered", timeout=60)
    finally:
        for process in processes:
            process.stop()
    uids = {row.id: uid_for(outbox_entry(row)) for row in rows}
    received = [m.unique_id for m in office.messages("CB1", "StatusNotification")]
    counts = Counter(received)
    assert set(uids.values()) <= set(counts), "a queued message never reached the back office"
    assert [row.state for row in relayed.outbox("CB1")[-30:]] == ["acked"] * 30
    for row_id in acked:  # what the back office had answered before the kill was never sent again
        assert counts[uids[row_id]] == 1, row_id
    again = [uid for uid, count in counts.items() if count > 1]
    assert len(again) <= 1  # at most the one in flight at the kill, under the same message id
    assert all(received_before[uid] == 1 for uid in again)
    order = list(dict.fromkeys(received))  # first arrivals: the queue's order
    assert order == [uids[row.id] for row in rows]


def test_two_relays_on_one_postgresql(relayed: Relayed, postgres_server: object) -> None:
    if not relayed.settings.database_url.startswith("postgresql"):
        pytest.skip("several relays share a PostgreSQL database (SQLite has one relay per database)")
    office = relayed.office
    relays = [start(relayed, "a"), start(relayed, "b")]
    try:
        stations = [f"CB{n}" for n in range(8)]
        for charge_box_id in stations:
            assert relayed.stations.link("1.5", charge_box_id).boot().accepted
        for charge_box_id in stations:
            relayed.wait_connected(charge_box_id)
        owners = {row.charge_box_id: row.owner_node for row in relayed.rows(RelayLinkRow)}
        assert len(set(owners.values())) == 2  # both relays took a share
        assert all(office.most_sockets[cb] == 1 for cb in stations)  # one socket per station, ever
        victim_node = owners[stations[0]]
        victim = next(p for p in relays if victim_node.endswith(f"-{p.process.pid}-" + victim_node.rsplit("-", 1)[1]))
        moved = [cb for cb, owner in owners.items() if owner == victim_node]
        killed_at = time.monotonic()
        victim.kill()
        eventually(lambda: all(not office.connected(cb) for cb in moved), "the dead relay's sockets gone", timeout=10)
        eventually(lambda: all(office.connected(cb) for cb in moved), "its stations back through the other",
                   timeout=30)
        failover = time.monotonic() - killed_at
        print(f"failover of {len(moved)} stations after kill -9: {failover:.1f} s (lease 3 s)")
        assert failover < 3 + 2 + 10
        assert all(office.most_sockets[cb] == 1 for cb in stations)
        survivor = {row.owner_node for row in relayed.rows(RelayLinkRow)}
        assert survivor == {next(iter(set(owners.values()) - {victim_node}))}
        assert relayed.stations.link("1.5", moved[0]).start(1, "TAG1").transaction_id >= 5000  # still answered
    finally:
        for process in relays:
            process.stop()

"""``ocpp-soap serve`` with a relay URL starts a relay beside the gunicorn workers, so that the README's one command
still does everything; stopping the server stops it (and frees its stations at once)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import create_engine, select

from ocpp_soap.persistence.relay_orm import RelayNodeRow
from tests.conftest import GatewayProcess
from tests.relay.back_office import BackOffice
from tests.relay.harness import Stations, eventually


def alive(database_url: str) -> list[str]:
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            return list(connection.scalars(select(RelayNodeRow.node_id).where(RelayNodeRow.expires_at > datetime.now(UTC))))
    finally:
        engine.dispose()


def test_serve_runs_the_relay(database_url: str, tmp_path: Path) -> None:
    office = BackOffice().start()
    server = GatewayProcess(database_url, tmp_path, workers=2, OCPP_SOAP_RELAY_URL=office.url)
    stations = Stations(server.url)
    try:
        server.wait_ready()
        eventually(lambda: alive(database_url), "the relay started by serve", timeout=30)
        assert stations.link("1.5", "SRV1").boot().accepted
        eventually(lambda: office.messages("SRV1", "BootNotification"), "the boot at the back office", timeout=20)
    finally:
        stations.close()
        server.stop()
        office.close()
    assert alive(database_url) == [], server.output()  # stopped with the server, its lease given back

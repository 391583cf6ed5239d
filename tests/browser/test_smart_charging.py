"""Smart charging in a real browser (Debian's chromium, headless, Playwright) against the gateway on a loopback port:
a 1.6 station's stored charging profiles on its page, a Clear that asks first (cancelling keeps the profile) and
then sends ClearChargingProfile by id and says what it did, the profile gone from the table; the station page,
a GetCompositeSchedule's page and a TriggerMessage's page at desktop and phone width without sideways scrolling
(screenshots in tests/artifacts/screenshots/ with the others).

The station is reached through a fake station client (the 1.6 SOAP edge is another branch's); the pages, the bus,
the handlers and the database are the real ones."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from ocpp_soap.bootstrap import Gateway, bootstrap
from ocpp_soap.config import Settings
from ocpp_soap.domain.model import ConnectorStatus
from ocpp_soap.domain.versions import Protocol
from tests.api.conftest import add_connector, add_station
from tests.conftest import LiveServer
from tests.unit.fake_station_client import FakeStationClient
from tests.web_data import smart_charging

from .conftest import DESKTOP, PASSWORD, PHONE, horizontal_overflow, log_in, shot, sync_api

STATION = "CB16"


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(database_url=database_url, auto_accept=False, admin_password=PASSWORD, heartbeat_interval=60,
                    command_timeout=3)


@pytest.fixture
def station_client() -> FakeStationClient:
    return FakeStationClient()


@pytest.fixture
def gateway(settings: Settings, station_client: FakeStationClient) -> Iterator[Gateway]:
    gw = bootstrap(settings, station_client=station_client)
    yield gw
    gw.database.dispose()


@pytest.fixture
def stored(live_server: LiveServer, gateway: Gateway) -> Iterator[dict[str, int]]:
    """A 1.6 station with what smart charging leaves stored."""
    protocol = Protocol.OCPP16_SOAP
    add_station(gateway, STATION, protocol=protocol, address="http://127.0.0.1:9/cp", last_seen_at=datetime.now(UTC))
    for connector in (1, 2):
        add_connector(gateway, STATION, connector, ConnectorStatus.AVAILABLE)
    yield smart_charging(gateway, STATION)


def rows(page: Any) -> list[str]:
    return [row.get_attribute("id") for row in page.locator("#charging-profiles tbody tr").all()]


def test_stored_profiles_are_shown_and_clear_asks_first(live_server: LiveServer, page: Any, stored: dict[str, int],
                                                        station_client: FakeStationClient) -> None:
    base, expect = live_server.url, sync_api().expect
    log_in(page, base)
    page.goto(f"{base}/stations/{STATION}")
    expect(page.locator("#charging-profiles tbody tr")).to_have_count(3)
    expect(page.locator("#profile-1")).to_contain_text("ChargePointMaxProfile")
    expect(page.locator("#profile-1")).to_contain_text("+0:00 → 32 A, +6:00 → 20.5 A")
    expect(page.locator("#reported-chart .series.limit")).to_have_count(1)
    expect(page.locator("#planned-chart .series.limit")).not_to_have_count(0)
    page.locator("#charging").scroll_into_view_if_needed()
    shot(page, "station-smart-charging-1280")

    page.click("#clear-profile-3")
    expect(page.locator("h1")).to_have_text(f"Clear charging profile 3 on {STATION}?")
    expect(page.locator(".confirm")).to_contain_text("ClearChargingProfile with id 3")
    shot(page, "charging-profile-clear-1280")
    page.click("a:has-text('Cancel')")
    expect(page).to_have_url(f"{base}/stations/{STATION}#charging")
    assert rows(page) == ["profile-1", "profile-3", "profile-2"] and station_client.calls == []  # nothing sent

    page.click("#clear-profile-3")
    page.click("#confirm")
    expect(page).to_have_url(f"{base}/stations/{STATION}#charging")
    expect(page.locator(".flash")).to_have_text(
        f"Charging profile 3 cleared on {STATION}: the station answered Accepted, and the profile is no longer in the "
        "stored copy.")
    expect(page.locator("#charging-profiles tbody tr")).to_have_count(2)
    assert rows(page) == ["profile-1", "profile-2"]
    assert station_client.sent("ClearChargingProfile") == [{"id": 3}]
    page.reload()  # post/redirect/get: a reload shows the page, sends nothing
    expect(page.locator("#charging-profiles tbody tr")).to_have_count(2)
    assert len(station_client.calls) == 1
    shot(page, "station-smart-charging-cleared-1280")


def test_smart_charging_pages_fit_desktop_and_phone(live_server: LiveServer, browser: Any, stored: dict[str, int]) -> None:
    base, expect = live_server.url, sync_api().expect
    pages = {"station-smart-charging": f"/stations/{STATION}",
             "command-composite-schedule": f"/commands/{stored['composite']}",
             "command-trigger-message": f"/commands/{stored['trigger']}",
             "message-triggered": f"/messages/{stored['triggered']}"}
    for viewport, suffix in ((DESKTOP, "1280"), (PHONE, "390")):
        context = browser.new_context(viewport=viewport)
        context.set_default_timeout(10_000)
        page = context.new_page()
        log_in(page, base)
        for name, path in pages.items():
            page.goto(f"{base}{path}")
            assert horizontal_overflow(page) == 0, f"{name} scrolls sideways at {viewport['width']} px"
            shot(page, f"{name}-{suffix}")
        page.goto(f"{base}/stations/{STATION}")
        for chart in ("#reported-chart", "#planned-chart"):  # both charts fit the screen and their text is legible
            box = page.locator(chart).bounding_box()
            assert box is not None and box["width"] <= viewport["width"]
            size = page.locator(f"{chart} text.tick").first.evaluate(
                "e => e.getBoundingClientRect().height")
            assert size >= 9, (chart, suffix, size)
        page.locator("#planned-schedule").screenshot(path=_artifact(f"planned-schedule-{suffix}"))
        page.goto(f"{base}/commands/{stored['trigger']}")
        expect(page.locator("#triggered a")).to_have_attribute("href", re.compile(rf"/messages/{stored['triggered']}$"))
        context.close()


def _artifact(name: str) -> str:
    from .conftest import SCREENSHOTS

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return str(SCREENSHOTS / f"{name}.png")

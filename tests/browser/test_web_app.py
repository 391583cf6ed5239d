"""The web app's second edition in a real browser (Debian's chromium, headless, Playwright), against the gateway
served on a loopback port: every page at desktop and phone width without sideways scrolling (screenshots of each
in tests/artifacts/screenshots/), a command's answer at its own address that a reload does not send again, a
delete that asks first, a status change and a pending station that show up without reloading, connector counts
that match the stations, and a read-only account that cannot send a command."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest

from ocpp_soap.bootstrap import Gateway
from ocpp_soap.config import Settings
from ocpp_soap.domain.model import ChargePointErrorCode, ConnectorStatus, ConnectorStatusChange, Role, Station
from tests.api.conftest import add_station
from tests.conftest import LiveServer
from tests.e2e.fake_station import FakeStation

from .conftest import DESKTOP, PASSWORD, PHONE, add_account, fleet, horizontal_overflow, log_in, shot, sync_api


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(database_url=database_url, auto_accept=False, admin_password=PASSWORD, heartbeat_interval=60,
                    command_timeout=3)


@pytest.fixture
def fake() -> Iterator[FakeStation]:
    station = FakeStation("urn://Ocpp/Cp/2012/06/", None)
    yield station
    station.stop()


def pages(ids: dict[str, Any]) -> dict[str, str]:
    return {
        "dashboard": "/", "stations": "/stations", "station": "/stations/CB-ALPHA",
        "station-pending": "/stations/CB-NEW", "connectors": "/connectors", "sessions": "/transactions",
        "refused-starts": "/transactions?view=refused", "session-open": f"/transactions/{ids['open']}",
        "session-finished": f"/transactions/{ids['done']}", "session-one-second": f"/transactions/{ids['short']}",
        "sessions-bad-filter": "/transactions?from=yesterday", "idtags": "/idtags", "idtag-new": "/idtags/new",
        "idtag-edit": "/idtags/TAG-OLD/edit", "idtag-delete": "/idtags/TAG-BLOCKED/delete",
        "reservations": "/reservations", "commands": "/commands", "bulk": "/commands/bulk",
        "messages": "/messages", "activity": "/activity", "accounts": "/accounts", "settings": "/settings",
        "station-delete": "/stations/CB-CHARLIE/delete", "api-docs": "/api-docs",
    }


def test_every_page_fits_desktop_and_phone(live_server: LiveServer, gateway: Gateway, browser: Any,
                                           fake: FakeStation) -> None:
    ids = fleet(gateway)
    with gateway.uow_factory() as uow:  # one answered command, so that the command log and its page show one
        station = uow.stations.get("CB-ALPHA")
        assert station is not None
        uow.stations.save(Station(**{**vars(station), "endpoint_address": fake.url}))
        uow.commit()
    base = live_server.url
    for viewport, suffix in ((DESKTOP, "1280"), (PHONE, "390")):
        context = browser.new_context(viewport=viewport)
        context.set_default_timeout(10_000)
        page = context.new_page()
        page.goto(f"{base}/login")
        shot(page, f"login-{suffix}")
        log_in(page, base)
        if suffix == "1280":
            page.goto(f"{base}/stations/CB-ALPHA")
            form = page.locator("#command-GetConfiguration")
            form.locator("button:has-text('Send')").click()
            sync_api().expect(page.locator("#result")).to_contain_text("the station answered")
            ids["command_url"] = page.url.removeprefix(base)
        everything = {**pages(ids), "command": ids["command_url"]}
        for name, path in everything.items():
            page.goto(f"{base}{path}")
            assert page.locator("h1").count() >= 1, (name, path)
            assert horizontal_overflow(page) == 0, f"{name} scrolls sideways at {viewport['width']} px"
            shot(page, f"{name}-{suffix}", full_page=name != "api-docs")
        if suffix == "390":
            page.goto(f"{base}/")
            assert not page.locator("nav.menu").is_visible()  # the menu is folded
            page.click("label.menu-button")
            assert page.locator("nav.menu a:has-text('Stations')").is_visible()
            shot(page, "menu-open-390", full_page=False)
        context.close()


def test_reload_after_a_command_does_not_send_it_again(live_server: LiveServer, gateway: Gateway, page: Any,
                                                        fake: FakeStation) -> None:
    add_station(gateway, "CB-FAKE", address=fake.url)
    base, expect = live_server.url, sync_api().expect
    log_in(page, base)
    page.goto(f"{base}/stations/CB-FAKE")
    page.locator("#command-Reset select[name=type]").select_option("Soft")
    page.locator("#command-Reset button:has-text('Send')").click()
    expect(page).to_have_url(__import__("re").compile(rf"{base}/commands/\d+$"))
    expect(page.locator("#result")).to_contain_text("Accepted")
    expect(page.locator(".flash")).to_contain_text("Reset sent to CB-FAKE: answered")
    page.reload()
    expect(page.locator("#result")).to_contain_text("the station answered")
    assert [m.operation for m in fake.received] == ["Reset"]  # reloading showed the answer, sent nothing
    shot(page, "command-after-reload")


def test_delete_asks_first_and_says_what_it_did(live_server: LiveServer, gateway: Gateway, page: Any) -> None:
    fleet(gateway)
    base, expect = live_server.url, sync_api().expect
    log_in(page, base)
    page.goto(f"{base}/stations/CB-CHARLIE")
    page.click("#delete-station")
    expect(page.locator("h1")).to_contain_text("Delete station CB-CHARLIE?")
    expect(page.locator(".confirm")).to_contain_text("transactions")
    page.click("a:has-text('Cancel')")
    expect(page).to_have_url(f"{base}/stations/CB-CHARLIE")  # still there
    page.click("#delete-station")
    page.click("#confirm")
    expect(page).to_have_url(f"{base}/stations")
    expect(page.locator(".flash")).to_contain_text("Deleted station CB-CHARLIE")
    expect(page.locator("table")).not_to_contain_text("CB-CHARLIE")
    page.goto(f"{base}/idtags")
    page.locator("tr:has-text('TAG-BLOCKED')").locator("a:has-text('Delete')").click()
    expect(page.locator("h1")).to_contain_text("Delete id tag TAG-BLOCKED?")
    page.click("#confirm")
    expect(page.locator(".flash")).to_contain_text("Id tag TAG-BLOCKED deleted")


def test_changes_show_up_without_reloading(live_server: LiveServer, gateway: Gateway, page: Any) -> None:
    fleet(gateway)
    base, expect = live_server.url, sync_api().expect
    log_in(page, base)
    page.goto(f"{base}/stations/CB-BRAVO")
    expect(page.locator("#connectors")).to_contain_text("Faulted")
    loaded = page.evaluate("performance.timeOrigin")
    with gateway.uow_factory() as uow:  # the station reports its connector repaired
        uow.connectors.record_status(ConnectorStatusChange("CB-BRAVO", 1, ConnectorStatus.AVAILABLE,
                                                           ChargePointErrorCode.NO_ERROR, _now()))
        uow.commit()
    expect(page.locator("#connectors tr:has-text('1')").first).to_contain_text("Available", timeout=10_000)
    assert page.evaluate("performance.timeOrigin") == loaded  # the same page: nothing reloaded it

    page.goto(f"{base}/")
    expect(page.locator("#tile-pending")).to_have_text("1")
    add_station(gateway, "CB-BOOTED", status=__import__("ocpp_soap.domain.model", fromlist=["x"]).RegistrationStatus.PENDING,
                last_seen_at=_now())
    expect(page.locator("#live-dashboard")).to_contain_text("CB-BOOTED", timeout=10_000)
    expect(page.locator("#tile-pending")).to_have_text("2")
    shot(page, "dashboard-live-update")


def test_connector_overview_counts_match_the_stations(live_server: LiveServer, gateway: Gateway, page: Any) -> None:
    fleet(gateway)
    base, expect = live_server.url, sync_api().expect
    log_in(page, base)
    seen: dict[str, int] = {}
    for station in ("CB-ALPHA", "CB-BRAVO", "CB-CHARLIE"):
        page.goto(f"{base}/stations/{station}")
        for status in page.locator("#connectors tbody tr td:nth-child(2)").all_inner_texts():
            seen[status.strip()] = seen.get(status.strip(), 0) + 1
    page.goto(f"{base}/connectors")
    expect(page.locator("#count-total")).to_have_text(str(sum(seen.values())))
    for status in ("Available", "Occupied", "Faulted", "Unavailable"):
        expect(page.locator(f"#count-{status.lower()}")).to_have_text(str(seen.get(status, 0)))
    page.click("a.tile:has-text('Faulted')")
    expect(page.locator("table")).to_contain_text("CB-BRAVO")
    expect(page.locator("table")).not_to_contain_text("CB-ALPHA")


def test_a_read_only_user_cannot_send_a_command(live_server: LiveServer, gateway: Gateway, page: Any,
                                                 fake: FakeStation) -> None:
    add_station(gateway, "CB-FAKE", address=fake.url)
    add_account(gateway, "viewer", Role.READ_ONLY)
    base, expect = live_server.url, sync_api().expect
    log_in(page, base, "viewer")
    page.goto(f"{base}/stations/CB-FAKE")
    expect(page.locator("#commands")).to_contain_text("read-only")
    assert page.locator("form.command").count() == 0
    token = page.locator("input[name=csrf_token]").first.get_attribute("value")
    answer = page.request.post(f"{base}/stations/CB-FAKE/commands/Reset", form={"type": "Soft", "csrf_token": token})
    assert answer.status == 403
    assert fake.received == []
    shot(page, "station-read-only")


def _now() -> Any:
    from datetime import UTC, datetime

    time.sleep(0.01)
    return datetime.now(UTC)

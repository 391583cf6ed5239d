"""The web app in a real browser (Debian's chromium, headless, driven by Playwright) against the gateway served
on a loopback port and a simulated OCPP 1.5 station: log in, accept the station that boots, add an id tag, start
a remote transaction from the station's page, see it charge with its meter chart, export its CSV, reserve.

Screenshots of the main pages go to ``tests/artifacts/screenshots/`` for a person to look at.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from ocpp_soap.config import Settings
from ocpp_soap.simulator.runner import Simulation
from ocpp_soap.simulator.station import Timing
from tests.conftest import LiveServer

CHROMIUM = Path("/usr/bin/chromium")
if not CHROMIUM.exists():
    pytest.skip("browser tests need Debian's chromium at /usr/bin/chromium (apt-get install chromium)",
                allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="browser tests need playwright (pip install playwright)")

LAUNCH_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SCREENSHOTS = Path(__file__).resolve().parents[1] / "artifacts" / "screenshots"
PASSWORD = "browser test password"
FAST = Timing(meter_interval=0.3, energy_speedup=3600, retry_interval=0.3)
CB = "SIM-1"


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(database_url=database_url, auto_accept=False, admin_password=PASSWORD, heartbeat_interval=1,
                    command_timeout=5)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def shot(page: Any, name: str, *, full_page: bool = True) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=full_page)


def reload_until(page: Any, ready: Callable[[], bool], what: str, timeout: float = 15) -> None:
    deadline = time.monotonic() + timeout
    while not ready():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout:g}s waiting for {what}")
        time.sleep(0.3)
        page.reload()


def test_operator_accepts_a_station_and_charges_from_the_browser(
    live_server: LiveServer, page: Any, tmp_path: Path
) -> None:
    base = live_server.url
    expect = sync_api.expect

    # Every page asks for a login first, and comes back to where it was asked for.
    page.goto(f"{base}/stations")
    expect(page).to_have_url(f"{base}/login?next=/stations")
    shot(page, "01-login")
    page.fill("input[name=password]", "wrong password")
    page.click("button[type=submit]")
    expect(page.locator(".alert.error")).to_contain_text("Wrong user name or password")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    expect(page).to_have_url(f"{base}/stations")

    # An id tag for the session to come.
    page.goto(f"{base}/idtags/new")
    page.fill("input[name=idTag]", "TAG1")
    page.select_option("select[name=status]", "Accepted")
    page.click("button:has-text('Save')")
    expect(page.locator("table")).to_contain_text("TAG1")
    shot(page, "05-idtags")

    with Simulation("1.5", [CB], f"{base}/services/centralSystemServiceOcpp15", timing=FAST, timeout=5) as simulation:
        # The station boots, is pending, and waits on the dashboard for an operator.
        page.goto(f"{base}/")
        reload_until(page, lambda: page.locator(f"tr:has-text('{CB}')").count() > 0, "the pending station")
        shot(page, "02-dashboard-pending")
        page.locator(f"tr:has-text('{CB}')").locator("button:has-text('Accept')").click()
        expect(page).to_have_url(f"{base}/")
        expect(page.locator("section:has(h2:has-text('Pending stations'))")).to_contain_text("No station is waiting")
        assert simulation.wait_until_accepted(10), "the station was not accepted at its next boot"

        page.goto(f"{base}/stations")
        expect(page.locator("table")).to_contain_text(CB)
        page.click(f"a:has-text('{CB}')")
        reload_until(page, lambda: page.locator("text=Available").count() > 0, "the station's connectors")

        # Start a remote transaction from the station's page; the station's answer is shown there.
        form = page.locator("#command-RemoteStartTransaction")
        form.locator("input[name=idTag]").fill("TAG1")
        form.locator("input[name=connectorId]").fill("1")
        form.locator("button:has-text('Send')").click()
        expect(page.locator("#result")).to_contain_text("the station answered")
        expect(page.locator("#result")).to_contain_text("Accepted")

        # A reservation on the other connector (from the station's page again: the answer had its own page).
        page.goto(f"{base}/stations/{CB}")
        form = page.locator("#command-ReserveNow")
        form.locator("input[name=connectorId]").fill("2")
        form.locator("input[name=expiryDate]").fill("2030-01-01T10:00:00")
        form.locator("input[name=idTag]").fill("TAG1")
        form.locator("button:has-text('Send')").click()
        expect(page.locator("#result")).to_contain_text("reservationId")
        shot(page, "04-station-detail")

        # The transaction appears, charges, and its meter values make a chart.
        page.goto(f"{base}/transactions?station={CB}")
        reload_until(page, lambda: page.locator("tbody tr td a").count() > 1, "the transaction")
        shot(page, "06-transactions")
        page.locator("tbody tr").first.locator("a").first.click()
        reload_until(page, lambda: page.locator("svg.chart polyline").count() > 0
                     and "energy readings" in (page.locator("svg.chart + p").text_content() or "")
                     and int((page.locator("svg.chart + p").text_content() or "0").split()[0].replace(",", "")) >= 4,
                     "four meter readings")
        shot(page, "07-transaction-chart")

        with page.expect_download() as download_info:
            page.click("#export-csv")
        download = download_info.value
        saved = tmp_path / download.suggested_filename
        download.save_as(saved)
        lines = saved.read_text().splitlines()
        assert download.suggested_filename.endswith("-meter-values.csv")
        assert lines[0].startswith("timestamp,connectorId,value") and len(lines) >= 5

    page.goto(f"{base}/stations")
    expect(page.locator("table")).to_contain_text(CB)
    shot(page, "03-stations")
    page.goto(f"{base}/reservations")
    expect(page.locator("table")).to_contain_text(CB)
    shot(page, "08-reservations")
    page.goto(f"{base}/messages?station={CB}")
    shot(page, "09-message-log")
    exchanges = page.locator("a:has-text('request & response')")
    if exchanges.count():  # the message log is filled by the SOAP layer
        exchanges.last.click()
        expect(page.locator("pre.xml").first).to_contain_text("Envelope")
        shot(page, "09-message-detail")
    page.goto(f"{base}/api-docs")
    expect(page.locator("h1")).to_contain_text("REST API")
    shot(page, "10-api-docs", full_page=False)  # the whole page is very long
    page.goto(f"{base}/")
    shot(page, "02-dashboard")

    page.click("button:has-text('Log out')")
    expect(page).to_have_url(f"{base}/login")

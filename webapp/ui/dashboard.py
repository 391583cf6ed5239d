"""``/``: stations online, unreachable and offline, pending stations, open sessions, energy today, energy per
day and per station, recent faults and failed commands. ``/live/dashboard`` is its live part (htmx)."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import Blueprint, render_template
from flask.typing import ResponseReturnValue

from webapp import context
from webapp.readmodel import commands, dashboard, records, sessions, stations
from webapp.readmodel.base import Page

from .chart import bar_chart
from .pages import zone

bp = Blueprint("dashboard", __name__)
DAYS = 14


def _day_start() -> datetime:
    local = context.now().astimezone(zone())
    return local.replace(hour=0, minute=0, second=0, microsecond=0)


def _live() -> dict[str, object]:
    engine, since = context.engine(), context.online_since()
    return {
        "overview": dashboard.overview(engine, since, _day_start()),
        "day_start": _day_start(),
        "pending": stations.list_stations(engine, Page(1, 20), stations.StationFilter(status="Pending"), since),
        "open_transactions": sessions.list_transactions(
            engine, Page(1, 10), sessions.TransactionFilter(open=True, refused=False)).items,
        "unreachable": [s for s in stations.list_stations(
            engine, Page(1, 200), stations.StationFilter(online=False, sort="lastSeen", descending=True), since).items
            if s.presence is stations.Presence.UNREACHABLE][:10],
        "faults": records.list_messages(engine, Page(1, 10), records.MessageFilter(faults_only=True)).items,
        "failed_commands": commands.recent_failed_commands(engine, 10),
    }


@bp.get("/")
def index() -> ResponseReturnValue:
    by_day, by_station = dashboard.energy_by_day_and_station(
        context.engine(), zone(), DAYS, _day_start().date())
    return render_template("ui/dashboard.html", live=_live(), days=DAYS,
                           by_day=bar_chart(by_day, label_every=2 if DAYS > 7 else 1),
                           by_station=bar_chart(by_station, horizontal=True),
                           window_start=_day_start() - timedelta(days=DAYS - 1))


@bp.get("/live/dashboard")
def live() -> ResponseReturnValue:
    return render_template("ui/live/dashboard.html", live=_live())

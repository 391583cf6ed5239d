"""``/``: stations online and offline, pending stations, open transactions, energy today, recent faults."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask.typing import ResponseReturnValue

from webapp.api import queries as api

from . import queries
from .pages import engine, online_since, today_start

bp = Blueprint("dashboard", __name__)


@bp.get("/")
def index() -> ResponseReturnValue:
    since = online_since()
    pending = api.list_stations(engine(), api.Page(1, 20), api.StationFilter(status="Pending"), since)
    open_transactions = api.list_transactions(engine(), api.Page(1, 10), api.TransactionFilter(open=True))
    return render_template(
        "ui/dashboard.html",
        overview=queries.overview(engine(), since, today_start()),
        day_start=today_start(),
        pending=pending,
        open_transactions=open_transactions.items,
        faults=api.list_messages(engine(), api.Page(1, 10), api.MessageFilter(faults_only=True)).items,
        failed_commands=queries.recent_failed_commands(engine(), 10),
    )

"""``/connectors``: every connector of every station with its last status, counted per status, filterable;
``/live/connectors`` is its live part (htmx)."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask.typing import ResponseReturnValue

from webapp import context, core
from webapp.readmodel import stations

from .pages import page, pages, text

bp = Blueprint("connectors", __name__)
STATUSES = tuple(status.value for status in core.ConnectorStatus)


def _live() -> dict[str, object]:
    current = page()
    where = stations.ConnectorFilter(status=text("status"), search=text("q"))
    listing = stations.list_connectors(context.engine(), current, where, context.online_since())
    return {"counts": stations.connector_counts(context.engine(), context.online_since()), "listing": listing,
            "paging": pages(listing, current), "statuses": STATUSES, "args": request.args}


@bp.get("/connectors")
def index() -> ResponseReturnValue:
    return render_template("ui/connectors.html", live=_live())


@bp.get("/live/connectors")
def live() -> ResponseReturnValue:
    return render_template("ui/live/connectors.html", live=_live())

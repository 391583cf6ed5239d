"""``/activity``: who changed what (every write by an operator, the command line or start-up), newest first."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask.typing import ResponseReturnValue

from webapp import context
from webapp.readmodel import accounts

from .pages import page, pages, text

bp = Blueprint("activity", __name__)


@bp.get("/activity")
def index() -> ResponseReturnValue:
    current = page()
    listing = accounts.list_activity(context.engine(), current, actor=text("actor"), target=text("target"))
    return render_template("ui/activity.html", listing=listing, paging=pages(listing, current), args=request.args)

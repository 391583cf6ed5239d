"""``/idtags``: list, create, edit and delete id tags; the API's checks, the bus's commands."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from ocpp_soap.domain import operator_commands as oc
from ocpp_soap.domain.errors import DomainError
from ocpp_soap.domain.model import AuthorizationStatus
from webapp.api import queries as api
from webapp.api.errors import from_domain
from webapp.api.idtags import checked_id_tag

from .pages import dispatch, engine, page, pages

bp = Blueprint("idtags", __name__, url_prefix="/idtags")

STATUSES = tuple(status.value for status in AuthorizationStatus)


@bp.get("")
def index() -> ResponseReturnValue:
    current = page()
    listing = api.list_id_tags(engine(), current)
    return render_template("ui/idtags.html", listing=listing, paging=pages(listing, current))


@bp.route("/new", methods=["GET", "POST"])
def create() -> ResponseReturnValue:
    if request.method == "GET":
        return _form(None, {"status": "Accepted"})
    body = _body()
    try:
        dispatch(oc.CreateIdTag(checked_id_tag(body, body.get("idTag"))))
    except DomainError as exc:
        return _form(None, request.form, exc)
    return redirect(url_for(".index"))


@bp.route("/<path:id_tag>/edit", methods=["GET", "POST"])
def edit(id_tag: str) -> ResponseReturnValue:
    if request.method == "GET":
        found = api.id_tag(engine(), id_tag)
        if found is None:
            abort(404, description=f"No id tag {id_tag!r} is known.")
        expiry = (found["expiryDate"] or "")[:16]  # what a datetime-local input shows
        return _form(id_tag, {**found, "expiryDate": expiry})
    body = _body()
    body.pop("idTag", None)
    try:
        dispatch(oc.UpdateIdTag(checked_id_tag(body, id_tag)))
    except DomainError as exc:
        return _form(id_tag, request.form, exc)
    return redirect(url_for(".index"))


@bp.post("/<path:id_tag>/delete")
def delete(id_tag: str) -> ResponseReturnValue:
    dispatch(oc.DeleteIdTag(id_tag))
    return redirect(url_for(".index"))


def _body() -> dict[str, Any]:
    """The form as the API's JSON body: empty inputs left out, a zone-less expiry taken as UTC."""
    body = {name: request.form.get(name, "").strip() for name in ("idTag", "status", "expiryDate", "parentIdTag")}
    if body["expiryDate"] and len(body["expiryDate"]) <= 19:
        body["expiryDate"] += "Z"
    return {name: value for name, value in body.items() if value}


def _form(id_tag: str | None, values: Any, error: DomainError | None = None) -> ResponseReturnValue:
    problem = from_domain(error) if error is not None else None
    return render_template("ui/idtag_form.html", id_tag=id_tag, values=values, statuses=STATUSES,
                           error=problem), (problem.status if problem else 200)

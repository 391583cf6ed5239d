"""``/idtags``: list (search; effective status; in a session now), create, edit and delete (asks first) through
the bus. Forms are Flask-WTF forms; expiry dates are ISO 8601, in the operator's zone unless one is given."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional

from webapp import context, core
from webapp.readmodel import accounts as activity
from webapp.readmodel import records
from webapp.readmodel.base import Page
from webapp.timezones import BadTime, parse_time

from .pages import page, pages, requires, text, zone

bp = Blueprint("idtags", __name__, url_prefix="/idtags")

STATUSES = tuple(status.value for status in core.AuthorizationStatus if status.value != "ConcurrentTx")


class IdTagForm(FlaskForm):  # type: ignore[misc]
    class Meta:
        csrf = False  # CSRFProtect checks every POST already

    idTag = StringField("Id tag", validators=[Optional(), Length(max=core.ID_TOKEN_MAX)])
    status = SelectField("Status", choices=STATUSES, validators=[DataRequired()])
    expiryDate = StringField("Expiry (optional)", validators=[Optional()])
    parentIdTag = StringField("Parent id tag (optional)", validators=[Optional(), Length(max=core.ID_TOKEN_MAX)])


@bp.get("")
def index() -> ResponseReturnValue:
    current = page()
    listing = records.list_id_tags(context.engine(), current, context.now(), search=text("q"))
    return render_template("ui/idtags.html", listing=listing, paging=pages(listing, current), args=request.args)


def _tag(form: IdTagForm, id_tag: str | None) -> core.IdTag:
    if not id_tag:
        raise core.InvalidInput("idTag", f"expected a text of 1 to {core.ID_TOKEN_MAX} characters")
    for name, errors in form.errors.items():
        raise core.InvalidInput(name, errors[0] if errors else "invalid")
    expiry = None
    if form.expiryDate.data:
        try:
            expiry = parse_time(form.expiryDate.data, zone())
        except BadTime as exc:
            raise core.InvalidInput("expiryDate", str(exc)) from None
    return core.IdTag(id_tag, core.AuthorizationStatus(form.status.data), expiry, form.parentIdTag.data or None)


@bp.route("/new", methods=["GET", "POST"])
@requires(core.Role.OPERATOR)
def create() -> ResponseReturnValue:
    form = IdTagForm()
    if request.method == "GET":
        form.status.data = "Accepted"
        return _form(None, form)
    form.validate()
    try:
        tag = _tag(form, (form.idTag.data or "").strip())
        context.write(core.CreateIdTag(tag))
    except core.DomainError as exc:
        return _form(None, form, exc)
    flash(f"Id tag {tag.id_tag} created ({tag.status.value}).", "success")
    return redirect(url_for(".index"))


@bp.route("/<path:id_tag>/edit", methods=["GET", "POST"])
@requires(core.Role.OPERATOR)
def edit(id_tag: str) -> ResponseReturnValue:
    found = records.id_tag(context.engine(), id_tag)
    if found is None:
        abort(404, description=f"No id tag {id_tag!r} is known.")
    form = IdTagForm()
    if request.method == "GET":
        form.status.data = found.status
        form.expiryDate.data = _for_input(found.expiry_date)
        form.parentIdTag.data = found.parent_id_tag or ""
        return _form(id_tag, form)
    form.validate()
    try:
        context.write(core.UpdateIdTag(_tag(form, id_tag)))
    except core.DomainError as exc:
        return _form(id_tag, form, exc)
    flash(f"Id tag {id_tag} saved ({form.status.data}).", "success")
    return redirect(url_for(".index"))


def _for_input(value: Any) -> str:
    from webapp.timezones import for_input

    return for_input(value, zone())


@bp.get("/<path:id_tag>/delete")
@requires(core.Role.OPERATOR)
def confirm_delete(id_tag: str) -> ResponseReturnValue:
    if records.id_tag(context.engine(), id_tag) is None:
        abort(404, description=f"No id tag {id_tag!r} is known.")
    return render_template("ui/confirm.html", title=f"Delete id tag {id_tag}?",
                           action=url_for(".delete", id_tag=id_tag), button="Delete the id tag",
                           cancel=url_for(".index"),
                           consequences=["Stations are told Invalid for it from now on (their local lists and "
                                         "caches may still know it).", "Its past sessions stay."])


@bp.post("/<path:id_tag>/delete")
@requires(core.Role.OPERATOR)
def delete(id_tag: str) -> ResponseReturnValue:
    context.write(core.DeleteIdTag(id_tag))
    flash(f"Id tag {id_tag} deleted.", "success")
    return redirect(url_for(".index"))


def _form(id_tag: str | None, form: IdTagForm, error: core.DomainError | None = None) -> ResponseReturnValue:
    from webapp.api.routing import from_domain

    problem = from_domain(error) if error is not None else None
    changes = activity.list_activity(context.engine(), Page(1, 10), target=id_tag).items if id_tag else []
    return render_template("ui/idtag_form.html", id_tag=id_tag, form=form, error=problem, changes=changes), \
        (problem.status if problem else 200)

"""``/api/idtags``: list and read from the read model; create, update and delete through the bus."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Blueprint, jsonify
from flask.typing import ResponseReturnValue

from ocpp_soap.domain import operator_commands as oc
from ocpp_soap.domain.errors import InvalidInput
from ocpp_soap.domain.model import ID_TOKEN_MAX, AuthorizationStatus, IdTag

from . import params, queries
from .context import dispatch, gateway
from .errors import not_found

bp = Blueprint("idtags", __name__)

FIELDS = ("idTag", "status", "expiryDate", "parentIdTag")


@bp.get("/idtags")
def list_id_tags() -> ResponseReturnValue:
    page = params.page()
    listing = queries.list_id_tags(gateway().database, page)
    return params.listed(listing, page)


@bp.get("/idtags/<id_tag>")
def showchecked_id_tag(id_tag: str) -> ResponseReturnValue:
    body = queries.id_tag(gateway().database, id_tag)
    if body is None:
        raise not_found("id tag")
    return body


@bp.post("/idtags")
def createchecked_id_tag() -> ResponseReturnValue:
    body = params.json_object()
    tag = checked_id_tag(body, body.get("idTag"))
    dispatch(oc.CreateIdTag(tag))
    response = jsonify(queries.id_tag(gateway().database, tag.id_tag))
    response.status_code = 201
    response.headers["Location"] = f"/api/idtags/{tag.id_tag}"
    return response


@bp.put("/idtags/<id_tag>")
def updatechecked_id_tag(id_tag: str) -> ResponseReturnValue:
    """Replace the tag's status, expiry and parent (fields left out become empty, status is required)."""
    body = params.json_object()
    if "idTag" in body and body["idTag"] != id_tag:
        raise InvalidInput("idTag", "differs from the id tag in the path; an id tag cannot be renamed")
    dispatch(oc.UpdateIdTag(checked_id_tag(body, id_tag)))
    return showchecked_id_tag(id_tag)


@bp.delete("/idtags/<id_tag>")
def deletechecked_id_tag(id_tag: str) -> ResponseReturnValue:
    dispatch(oc.DeleteIdTag(id_tag))
    return "", 204


def checked_id_tag(body: Mapping[str, Any], id_tag: Any) -> IdTag:
    params.only(body, FIELDS)
    if not isinstance(id_tag, str) or not id_tag or len(id_tag) > ID_TOKEN_MAX:
        raise InvalidInput("idTag", f"expected a text of 1 to {ID_TOKEN_MAX} characters")
    if body.get("status") is None:
        raise InvalidInput("status", "required")
    status = params.choice("status", body["status"], AuthorizationStatus)
    expiry = body.get("expiryDate")
    parent = body.get("parentIdTag")
    if parent is not None and (not isinstance(parent, str) or not parent or len(parent) > ID_TOKEN_MAX):
        raise InvalidInput("parentIdTag", f"expected a text of 1 to {ID_TOKEN_MAX} characters")
    return IdTag(
        id_tag=id_tag,
        status=status,
        expiry_date=None if expiry is None else params.timestamp("expiryDate", expiry),
        parent_id_tag=parent,
    )

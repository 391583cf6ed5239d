"""The API's one blueprint and the route declaration bound to it (``routing.declare`` under ``/api``)."""

from __future__ import annotations

import functools

from flask import Blueprint

from .routing import Answer, PathParam, declare

PREFIX = "/api"
bp = Blueprint("api", __name__, url_prefix=PREFIX)
route = functools.partial(declare, bp, PREFIX)

STATION = PathParam("charge_box_id", "chargeBoxId", "The station's chargeBoxIdentity")
ID_TAG = PathParam("id_tag", "idTag", "The id tag")
NOT_FOUND = "No such record"
UNAUTHORIZED = Answer(401, "No token, or a wrong one")

__all__ = ["ID_TAG", "NOT_FOUND", "PREFIX", "STATION", "Answer", "PathParam", "bp", "route"]

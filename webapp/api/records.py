"""``/api/idtags`` (read from the read model; create, update, delete through the bus), ``/api/reservations``
and ``/api/messages`` (the SOAP message log)."""

from __future__ import annotations

from flask import Response

from webapp import context, core
from webapp.readmodel import records as rm
from webapp.readmodel.base import Page

from .blueprint import ID_TAG, NOT_FOUND, Answer, PathParam, route
from .routing import model_response, not_found
from .schemas import ErrorAnswer, IdTagFields, IdTagQuery, MessageQuery, PageOf, ReservationQuery

OPERATOR = core.Role.OPERATOR


class IdTagPage(PageOf[rm.IdTagListItem]):
    """A page of id tags, with their effective status and whether they are in a session now."""


@route("GET", "/idtags", summary="List id tags (search, paginate)", tag="Id tags", query=IdTagQuery,
       answers=(Answer(200, "A page of id tags", IdTagPage),))
def list_id_tags(query: IdTagQuery) -> IdTagPage:
    page = Page(query.page, query.per_page)
    listing = rm.list_id_tags(context.engine(), page, context.now(), search=query.search)
    return IdTagPage(items=listing.items, page=page.number, per_page=page.size, total=listing.total,
                     total_exact=listing.total_exact)


def _tag(id_tag: str) -> rm.IdTagItem:
    found = rm.id_tag(context.engine(), id_tag)
    if found is None:
        raise not_found("id tag")
    return found


@route("GET", "/idtags/<id_tag>", summary="One id tag", tag="Id tags", params=(ID_TAG,),
       answers=(Answer(200, "The id tag", rm.IdTagItem), Answer(404, NOT_FOUND, ErrorAnswer)))
def show_id_tag(id_tag: str) -> rm.IdTagItem:
    return _tag(id_tag)


def checked_id_tag(body: IdTagFields, id_tag: str | None) -> core.IdTag:
    if id_tag is None:
        raise core.InvalidInput("idTag", "required")
    return core.IdTag(id_tag=id_tag, status=body.status, expiry_date=body.expiryDate, parent_id_tag=body.parentIdTag)


@route("POST", "/idtags", summary="Create an id tag", tag="Id tags", role=OPERATOR, body=IdTagFields,
       answers=(Answer(201, "Created; Location names it", rm.IdTagItem),
                Answer(409, "The id tag exists already", ErrorAnswer)))
def create_id_tag(body: IdTagFields) -> Response:
    tag = checked_id_tag(body, body.idTag)
    context.write(core.CreateIdTag(tag))
    response = model_response(_tag(tag.id_tag), 201)
    response.headers["Location"] = f"/api/idtags/{tag.id_tag}"
    return response


@route("PUT", "/idtags/<id_tag>", summary="Replace an id tag's status, expiry and parent (fields left out become empty)",
       tag="Id tags", role=OPERATOR, params=(ID_TAG,), body=IdTagFields,
       answers=(Answer(200, "The id tag as stored now", rm.IdTagItem), Answer(404, NOT_FOUND, ErrorAnswer)))
def update_id_tag(id_tag: str, body: IdTagFields) -> rm.IdTagItem:
    if body.idTag is not None and body.idTag != id_tag:
        raise core.InvalidInput("idTag", "differs from the id tag in the path; an id tag cannot be renamed")
    context.write(core.UpdateIdTag(checked_id_tag(body, id_tag)))
    return _tag(id_tag)


@route("DELETE", "/idtags/<id_tag>", summary="Delete an id tag", tag="Id tags", role=OPERATOR, params=(ID_TAG,),
       answers=(Answer(204, "Deleted"), Answer(404, NOT_FOUND, ErrorAnswer)))
def delete_id_tag(id_tag: str) -> Response:
    context.write(core.DeleteIdTag(id_tag))
    return Response(status=204)


class ReservationPage(PageOf[rm.ReservationItem]):
    """A page of reservations, newest first."""


@route("GET", "/reservations", summary="Reservations made with ReserveNow, newest first", tag="Reservations",
       query=ReservationQuery, answers=(Answer(200, "A page of reservations", ReservationPage),))
def list_reservations(query: ReservationQuery) -> ReservationPage:
    page = Page(query.page, query.per_page)
    listing = rm.list_reservations(context.engine(), page, context.now(), station=query.station,
                                   state=query.state.value if query.state else None)
    return ReservationPage(items=listing.items, page=page.number, per_page=page.size, total=listing.total,
                           total_exact=listing.total_exact)


class MessagePage(PageOf[rm.MessageItem]):
    """A page of the message log, newest first, without bodies."""


@route("GET", "/messages", summary="The SOAP message log, both directions, newest first, without bodies",
       tag="Message log", query=MessageQuery, answers=(Answer(200, "A page of exchanges", MessagePage),))
def list_messages(query: MessageQuery) -> MessagePage:
    page = Page(query.page, query.per_page)
    where = rm.MessageFilter(station=query.station, direction=query.direction.value if query.direction else None,
                             operation=query.operation, outcome=query.outcome, faults_only=bool(query.faults))
    listing = rm.list_messages(context.engine(), page, where)
    return MessagePage(items=listing.items, page=page.number, per_page=page.size, total=listing.total,
                       total_exact=listing.total_exact)


MESSAGE = PathParam("message_log_id", "messageId", "The message-log entry's id", integer=True)


@route("GET", "/messages/<int:message_log_id>", summary="One exchange with its request and response as they went over the wire",
       tag="Message log", params=(MESSAGE,),
       answers=(Answer(200, "The exchange", rm.MessageDetail), Answer(404, NOT_FOUND, ErrorAnswer)))
def show_message(message_log_id: int) -> rm.MessageDetail:
    found = rm.message(context.engine(), message_log_id)
    if found is None:
        raise not_found("message")
    return found



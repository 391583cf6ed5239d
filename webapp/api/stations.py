"""``/api/stations``: list and detail from the read model; register, accept, reject, delete through the bus."""

from __future__ import annotations

from flask import Response
from pydantic import Field

from webapp import context, core
from webapp.readmodel import charging
from webapp.readmodel import stations as rm
from webapp.readmodel.base import Page, Value

from .blueprint import NOT_FOUND, STATION, Answer, route
from .routing import model_response, not_found
from .schemas import ErrorAnswer, PageOf, PageQuery, StationQuery, StationRegistration

ADMIN = core.Role.ADMIN


class StationPage(PageOf[rm.StationItem]):
    """A page of stations."""


@route("GET", "/stations", summary="List stations (search, filter, paginate)", tag="Stations", query=StationQuery,
       answers=(Answer(200, "A page of stations", StationPage),))
def list_stations(query: StationQuery) -> StationPage:
    page = Page(query.page, query.per_page)
    where = rm.StationFilter(search=query.search, status=query.status.value if query.status else None,
                             protocol=query.version, online=query.online)
    listing = rm.list_stations(context.engine(), page, where, context.online_since())
    return StationPage(items=listing.items, page=page.number, per_page=page.size, total=listing.total,
                       total_exact=listing.total_exact)


def _station(charge_box_id: str) -> rm.StationDetail:
    found = rm.station(context.engine(), charge_box_id, context.online_since(),
                       context.gateway().settings.relay.url)
    if found is None:
        raise not_found("station")
    return found


@route("GET", "/stations/<charge_box_id>", summary="One station: registration, binding, boot details, connectors",
       tag="Stations", params=(STATION,),
       answers=(Answer(200, "The station", rm.StationDetail), Answer(404, NOT_FOUND, ErrorAnswer)))
def show_station(charge_box_id: str) -> rm.StationDetail:
    return _station(charge_box_id)


@route("POST", "/stations", summary="Register a station before it boots", tag="Stations", role=ADMIN,
       body=StationRegistration,
       answers=(Answer(201, "Registered; Location names it", rm.StationDetail),
                Answer(409, "A station with this id is registered already", ErrorAnswer)))
def register_station(body: StationRegistration) -> Response:
    context.write(core.RegisterStation(body.chargeBoxId, body.status))
    response = model_response(_station(body.chargeBoxId), 201)
    response.headers["Location"] = f"/api/stations/{body.chargeBoxId}"
    return response


@route("POST", "/stations/<charge_box_id>/accept", summary="Accept a station", tag="Stations", role=ADMIN,
       params=(STATION,), answers=(Answer(200, "The station, accepted", rm.StationDetail), Answer(404, NOT_FOUND, ErrorAnswer)))
def accept_station(charge_box_id: str) -> rm.StationDetail:
    context.write(core.AcceptStation(charge_box_id))
    return _station(charge_box_id)


@route("POST", "/stations/<charge_box_id>/reject", summary="Reject a station", tag="Stations", role=ADMIN,
       params=(STATION,), answers=(Answer(200, "The station, rejected", rm.StationDetail), Answer(404, NOT_FOUND, ErrorAnswer)))
def reject_station(charge_box_id: str) -> rm.StationDetail:
    context.write(core.RejectStation(charge_box_id))
    return _station(charge_box_id)


@route("DELETE", "/stations/<charge_box_id>", summary="Delete a station and everything stored about it",
       tag="Stations", role=ADMIN, params=(STATION,),
       answers=(Answer(204, "Deleted"), Answer(404, NOT_FOUND, ErrorAnswer)))
def delete_station(charge_box_id: str) -> Response:
    context.write(core.DeleteStation(charge_box_id))
    return Response(status=204)


class ConfigurationList(Value):
    items: list[rm.ConfigurationItem] = Field(description="The stored keys, by name")


@route("GET", "/stations/<charge_box_id>/configuration", summary="A station's configuration as last read or changed",
       tag="Stations", params=(STATION,),
       answers=(Answer(200, "The stored keys", ConfigurationList), Answer(404, NOT_FOUND, ErrorAnswer)))
def station_configuration(charge_box_id: str) -> ConfigurationList:
    _station(charge_box_id)
    return ConfigurationList(items=rm.configuration(context.engine(), charge_box_id))


class ChargingProfilePage(PageOf[charging.ChargingProfileItem]):
    """A page of a station's charging profiles."""


@route("GET", "/stations/<charge_box_id>/charging-profiles",
       summary="The charging profiles a station accepted (OCPP 1.6), as the gateway keeps its copy",
       description="By connector, purpose and highest stack level first. They change with SetChargingProfile, "
                   "RemoteStartTransaction with a chargingProfile and ClearChargingProfile (as the station accepted "
                   "them), and when a transaction ends (its TxProfiles end with it). A station of a version without "
                   "smart charging has none. Needs the read-only role.",
       tag="Stations", params=(STATION,), query=PageQuery,
       answers=(Answer(200, "A page of charging profiles", ChargingProfilePage), Answer(404, NOT_FOUND, ErrorAnswer)))
def station_charging_profiles(charge_box_id: str, query: PageQuery) -> ChargingProfilePage:
    _station(charge_box_id)
    page = Page(query.page, query.per_page)
    listing = charging.list_profiles(context.engine(), charge_box_id, page)
    return ChargingProfilePage(items=listing.items, page=page.number, per_page=page.size, total=listing.total,
                               total_exact=listing.total_exact)


class ConnectorPage(PageOf[rm.ConnectorItem]):
    """A page of connectors."""


class ConnectorOverview(Value):
    counts: rm.ConnectorCounts = Field(description="How many connectors are in each status")
    connectors: ConnectorPage = Field(description="A page of connectors, filtered")


class ConnectorQuery(PageQuery):
    status: str | None = Field(None, description="Only connectors in this status")
    search: str | None = Field(None, description="Part of the station id")


@route("GET", "/connectors", summary="Every connector's last status, with counts per status", tag="Stations",
       query=ConnectorQuery, answers=(Answer(200, "Counts and a page of connectors", ConnectorOverview),))
def connectors(query: ConnectorQuery) -> ConnectorOverview:
    page = Page(query.page, query.per_page)
    listing = rm.list_connectors(context.engine(), page, rm.ConnectorFilter(query.status, query.search),
                                 context.online_since())
    return ConnectorOverview(
        counts=rm.connector_counts(context.engine(), context.online_since()),
        connectors=ConnectorPage(items=listing.items, page=page.number, per_page=page.size, total=listing.total,
                                 total_exact=listing.total_exact),
    )


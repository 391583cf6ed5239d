"""Translation code every add-on shares, where the wire shape is the same in each OCPP SOAP version.

The message classes differ per version (each lives in its own namespace), so the functions that build a
response part take the version's class as an argument; reading a request works on any version's object whose
field names are the same (``chargePointVendor`` ...). What differs between versions stays in the add-on.
"""

from __future__ import annotations

from enum import Enum
from typing import Any, TypeVar

from spyne import rpc

from ..domain import commands
from ..domain import model as m

E = TypeVar("E", bound=Enum)


def bare(request: type | None, response: type, name: str) -> Any:
    """@rpc for a document/literal bare operation whose body elements are ``nameRequest`` / ``nameResponse``.

    An empty request (Heartbeat) has no parameter: Spyne's bare style refuses an empty model as one.
    """
    lower = name[0].lower() + name[1:]
    return rpc(
        *(() if request is None else (request,)),
        _returns=response,
        _body_style="bare",
        _in_message_name=f"{lower}Request",
        _out_message_name=f"{lower}Response",
    )


def optional_enum(enum: type[E], value: str | None) -> E | None:
    """A wire string as the domain enum member, None staying None (the schema has checked the value)."""
    return None if value is None else enum(value)


def id_tag_info(info: m.IdTagInfo, cls: type) -> Any:
    """The domain's verdict on an id tag as the version's ``IdTagInfo``."""
    return cls(status=info.status.value, expiryDate=info.expiry_date, parentIdTag=info.parent_id_tag)


def boot_details(req: Any) -> m.BootDetails:
    """A ``BootNotificationRequest`` (any version: 1.2 and 1.5 carry the same nine fields) as domain details."""
    return m.BootDetails(
        charge_point_vendor=req.chargePointVendor,
        charge_point_model=req.chargePointModel,
        charge_point_serial_number=req.chargePointSerialNumber,
        charge_box_serial_number=req.chargeBoxSerialNumber,
        firmware_version=req.firmwareVersion,
        iccid=req.iccid,
        imsi=req.imsi,
        meter_type=req.meterType,
        meter_serial_number=req.meterSerialNumber,
    )


def boot_response(result: commands.BootResult, cls: type) -> Any:
    """The boot result as the version's ``BootNotificationResponse`` (every field sent, optional or not)."""
    return cls(status=result.status.value, currentTime=result.current_time, heartbeatInterval=result.heartbeat_interval)

"""Test helpers shared by the end-to-end tests: stations as zeep drives them from an official WSDL, and short
ways to seed and read the database."""

from __future__ import annotations

from typing import Any

import zeep
from lxml import etree
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ocpp_soap.domain.model import IdTag
from ocpp_soap.persistence import orm

WSA = "http://www.w3.org/2005/08/addressing"


class ZeepStation:
    """A station as a zeep client from an official central-system WSDL drives it; its calls carry
    ``chargeBoxIdentity`` and, unless ``address`` is None, its callback address in ``wsa:From`` (or in the header
    ``address_header`` names: ``ReplyTo``)."""

    def __init__(
        self, client: zeep.Client, namespace: str, url: str, charge_box_id: str, address: str | None,
        address_header: str = "From",
    ) -> None:
        self.service = client.create_service(f"{{{namespace}}}CentralSystemServiceSoap", url)
        self.namespace = namespace
        self.charge_box_id = charge_box_id
        self.address = address
        self.address_header = address_header

    def headers(self) -> list[Any]:
        identity = etree.Element(f"{{{self.namespace}}}chargeBoxIdentity")
        identity.text = self.charge_box_id
        blocks = [identity]
        if self.address:
            sender = etree.Element(f"{{{WSA}}}{self.address_header}")
            etree.SubElement(sender, f"{{{WSA}}}Address").text = self.address
            blocks.append(sender)
        return blocks

    def __getattr__(self, operation: str) -> Any:
        method = getattr(self.service, operation)
        return lambda **kwargs: method(_soapheaders=self.headers(), **kwargs)


def rows(gateway: Any, model: type, **where: Any) -> list[Any]:
    with Session(gateway.engine) as session:
        return list(session.scalars(select(model).filter_by(**where)))


def count(gateway: Any, model: type) -> int:
    with Session(gateway.engine) as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def station_row(gateway: Any, charge_box_id: str) -> Any:
    (row,) = rows(gateway, orm.StationRow, charge_box_id=charge_box_id)
    return row


def accept(gateway: Any, charge_box_id: str) -> None:
    set_registration(gateway, charge_box_id, "Accepted")


def set_registration(gateway: Any, charge_box_id: str, status: str) -> None:
    """What an operator's accept or reject does to the stored station."""
    with Session(gateway.engine) as session, session.begin():
        session.get(orm.StationRow, charge_box_id).registration_status = status


def add_tag(gateway: Any, tag: IdTag) -> None:
    with gateway.uow_factory() as uow:
        uow.id_tags.add(tag)
        uow.commit()

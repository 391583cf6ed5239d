"""Operators' relay settings for one station: its own back-office URL and password, or relaying turned off.

Plain handlers run by the bus in one transaction, on the unit of work's relay records (``uow.relay``). The
password arrives encrypted (see :class:`~ocpp_soap.domain.operator_commands.RelayStation`); the relay process
reads the setting from the database, so a change reaches its socket within the relay's next sweep.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..domain import operator_commands as oc
from ..domain.commands import Command
from ..domain.errors import InvalidCommand, UnknownStation
from ..domain.ports import Clock
from ..relay.model import RelayConfig, back_office_url
from ..relay.ports import RelayUnitOfWork


def relay_station(cmd: oc.RelayStation, uow: RelayUnitOfWork, clock: Clock, default_relay_url: str | None) -> RelayConfig:
    try:
        url = back_office_url(cmd.url) if cmd.url is not None else None
    except ValueError as exc:
        raise InvalidCommand("url", str(exc)) from None
    if url is None and default_relay_url is None:
        raise InvalidCommand("url", "no default relay URL (OCPP_SOAP_RELAY_URL) is configured: give the station's own")
    _existing(uow, cmd.charge_box_id)
    stored = uow.relay.config(cmd.charge_box_id)
    password = (stored.password if stored is not None else None) if cmd.keep_password else cmd.sealed_password
    config = RelayConfig(cmd.charge_box_id, True, url, password, clock())
    uow.relay.put_config(config)
    return config


def stop_relaying_station(cmd: oc.StopRelayingStation, uow: RelayUnitOfWork, clock: Clock) -> RelayConfig:
    _existing(uow, cmd.charge_box_id)
    stored = uow.relay.config(cmd.charge_box_id)
    # The URL and password stay stored (not used), so that relaying again with the stored password is one PUT.
    config = RelayConfig(cmd.charge_box_id, False, stored.url if stored else None,
                         stored.password if stored else None, clock())
    uow.relay.put_config(config)
    return config


def _existing(uow: RelayUnitOfWork, charge_box_id: str) -> None:
    if uow.stations.get(charge_box_id) is None:
        raise UnknownStation(charge_box_id)


HANDLERS: dict[type[Command], Callable[..., Any]] = {
    oc.RelayStation: relay_station,
    oc.StopRelayingStation: stop_relaying_station,
}

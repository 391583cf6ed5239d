"""Operators' relay settings for one station (the API's ``PUT`` and ``DELETE /api/stations/{id}/relay``, and the
web app): its own back-office URL and password, or relaying turned off. Checked here, stored encrypted."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, cast

from ..config import ConfigurationError, Settings, relay_url
from ..domain.errors import InvalidInput, UnknownStation
from .model import RelayConfig
from .ports import RelayUnitOfWork
from .secrets import NoKey, PasswordBox

KEEP = object()
"""``password`` not given: the stored one stays."""
PASSWORD_MAX = 40
"""OCPP 1.6 security profiles 1 and 2: AuthorizationKey, a password of 16 to 40 characters (shorter ones are
accepted, since back offices on profile 1 set their own rules)."""


class PasswordsNotStorable(Exception):
    """No key is configured to encrypt passwords (OCPP_SOAP_RELAY_KEY or OCPP_SOAP_SECRET_KEY)."""


def configure(uow_factory: Callable[[], Any], settings: Settings, charge_box_id: str, *, url: str | None,
              password: Any = KEEP) -> None:
    """Relay the station to ``url`` (None: the default URL), with ``password`` (None: none; :data:`KEEP`)."""
    try:
        checked = relay_url(url, "url") if url is not None else None
    except ConfigurationError as exc:
        raise InvalidInput("url", str(exc).removeprefix("url=")) from None
    if checked is None and settings.relay.url is None:
        raise InvalidInput("url", "no default relay URL (OCPP_SOAP_RELAY_URL) is configured: give the station's")
    box = PasswordBox.from_settings(settings)
    sealed: str | None = None
    if password is not KEEP and password is not None:
        if not isinstance(password, str) or not password or len(password) > PASSWORD_MAX:
            raise InvalidInput("password", f"expected a text of 1 to {PASSWORD_MAX} characters")
        try:
            sealed = box.seal(password)
        except NoKey as exc:
            raise PasswordsNotStorable(str(exc)) from None
    with cast(RelayUnitOfWork, uow_factory()) as uow:
        if uow.stations.get(charge_box_id) is None:
            raise UnknownStation(charge_box_id)
        relay = cast(Any, uow).relay
        stored = relay.config(charge_box_id)
        if password is KEEP:
            sealed = stored.password if stored is not None else None
        relay.put_config(RelayConfig(charge_box_id, True, checked, sealed, datetime.now(UTC)))
        uow.commit()


def turn_off(uow_factory: Callable[[], Any], charge_box_id: str) -> None:
    """Stop relaying the station (whatever the default URL says); its queued messages stay, unsent."""
    with cast(RelayUnitOfWork, uow_factory()) as uow:
        if uow.stations.get(charge_box_id) is None:
            raise UnknownStation(charge_box_id)
        relay = cast(Any, uow).relay
        stored = relay.config(charge_box_id)
        relay.put_config(RelayConfig(charge_box_id, False, stored.url if stored else None,
                                     stored.password if stored else None, datetime.now(UTC)))
        uow.commit()

"""The SOAP edge's translations that versions share: what a station of each version is told at boot."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from ocpp_soap.domain.model import RegistrationStatus
from ocpp_soap.domain.station_messages import BootResult
from ocpp_soap.soap.station_messages import boot_response_without_pending
from ocpp_soap.soap.v12 import types as t12
from ocpp_soap.soap.v15 import types as t15

NOW = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("status", "wire"),
    [
        (RegistrationStatus.ACCEPTED, RegistrationStatus.ACCEPTED),
        (RegistrationStatus.PENDING, RegistrationStatus.REJECTED),
        (RegistrationStatus.REJECTED, RegistrationStatus.REJECTED),
    ],
)
@pytest.mark.parametrize("types", [t12, t15], ids=["1.2", "1.5"])
def test_versions_without_pending_know_only_accepted_and_rejected(
    status: RegistrationStatus, wire: RegistrationStatus, types: object
) -> None:
    response = boot_response_without_pending(BootResult(status, NOW, 300), types)  # type: ignore[arg-type]
    assert response.status == wire.value
    assert (response.currentTime, response.heartbeatInterval) == (NOW, 300)

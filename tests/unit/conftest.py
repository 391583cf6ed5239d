"""Fixtures of the handler and bus tests."""

from __future__ import annotations

import pytest

from ocpp_soap.domain.model import AuthorizationStatus, IdTag

from .harness import Harness, accepted_station


@pytest.fixture
def h() -> Harness:
    return Harness()


@pytest.fixture
def accepted(h: Harness) -> Harness:
    """A harness with the accepted station CB1 and the accepted tag TAG1."""
    h.uow.seed_station(accepted_station())
    h.uow.seed_tag(IdTag("TAG1", AuthorizationStatus.ACCEPTED))
    return h

"""Fixtures of the relay tests: the whole set-up on the test database (SQLite, or PostgreSQL when configured)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from .harness import VERSIONS, Relayed


@pytest.fixture
def relayed(database_url: str, tmp_path: Path) -> Iterator[Relayed]:
    setup = Relayed(database_url, tmp_path)
    yield setup
    setup.close()


@pytest.fixture(params=VERSIONS)
def version(request: pytest.FixtureRequest) -> str:
    return str(request.param)

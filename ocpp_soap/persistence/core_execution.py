"""Core statements run on the unit of work's connection instead of through ``Session.execute``.

``Session.execute`` routes every statement through the ORM's execution path (plugin dispatch, execution options,
result wrapping); the repositories on the station path only run Core statements on tables, which need none of it.
That is about 10 µs of Python per statement saved (in-process, ``tests/bench/inprocess.py``). Objects added to the
session are flushed first, as ``Session.execute``'s autoflush would, so statements still see them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import CursorResult, Executable
from sqlalchemy.orm import Session


def execute(
    session: Session, statement: Executable, parameters: Mapping[str, Any] | Sequence[Mapping[str, Any]] | None = None
) -> CursorResult[Any]:
    if session.new or session.deleted or session.dirty:
        session.flush()
    return session.connection().execute(statement, parameters)  # type: ignore[arg-type]

"""The SOAP message log in SQL: appended with one Core INSERT (it is on every request's path), read by key."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session

from ...domain.message_log import MessageLogEntry, StoredAnswer
from ..core_execution import execute
from ..orm import MessageLogRow, table_of

_TABLE = table_of(MessageLogRow)
_INSERT = insert(_TABLE)


class SqlMessageLogRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, entry: MessageLogEntry) -> None:
        execute(
            self._session,
            _INSERT,
            {
                "at": entry.at,
                "direction": entry.direction.value,
                "charge_box_id": entry.charge_box_id,
                "operation": entry.operation,
                "message_id": entry.message_id,
                "outcome": entry.outcome,
                "http_status": entry.http_status,
                "duration_ms": entry.duration_ms,
                "request": entry.request,
                "response": entry.response,
                "error": entry.error,
                "dedupe_key": entry.dedupe_key,
            },
        )

    def answer_for(self, dedupe_key: str) -> StoredAnswer | None:
        row = execute(
            self._session,
            select(_TABLE.c.at, _TABLE.c.response, _TABLE.c.http_status).where(_TABLE.c.dedupe_key == dedupe_key),
        ).first()
        if row is None or row.response is None:
            return None
        return StoredAnswer(at=row.at, response=row.response, http_status=row.http_status or 200)

    def forget_key(self, dedupe_key: str) -> None:
        execute(
            self._session,
            update(_TABLE).where(_TABLE.c.dedupe_key == dedupe_key).values(dedupe_key=None),
        )

    def prune(self, before: datetime, limit: int) -> int:
        """Delete up to ``limit`` entries older than ``before``, oldest first; small batches keep locks short."""
        oldest = select(_TABLE.c.id).where(_TABLE.c.at < before).order_by(_TABLE.c.at).limit(limit)
        result = execute(self._session, delete(_TABLE).where(_TABLE.c.id.in_(oldest.scalar_subquery())))
        return int(result.rowcount or 0)

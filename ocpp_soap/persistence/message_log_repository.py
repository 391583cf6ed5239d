"""The SOAP message log in SQL: appended with one Core INSERT (it is on every request's path), read by key."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session

from ..domain.message_log import LoggedExchange, StoredAnswer
from .orm import MessageLogRow

_TABLE = MessageLogRow.__table__


class SqlMessageLogRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, entry: LoggedExchange) -> None:
        self._session.execute(
            insert(_TABLE),
            [
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
                }
            ],
        )

    def answer_for(self, dedupe_key: str) -> StoredAnswer | None:
        row = self._session.execute(
            select(MessageLogRow.at, MessageLogRow.response, MessageLogRow.http_status).where(
                MessageLogRow.dedupe_key == dedupe_key
            )
        ).first()
        if row is None or row.response is None:
            return None
        return StoredAnswer(at=row.at, response=row.response, http_status=row.http_status or 200)

    def forget_key(self, dedupe_key: str) -> None:
        self._session.execute(
            update(MessageLogRow).where(MessageLogRow.dedupe_key == dedupe_key).values(dedupe_key=None)
        )

    def prune(self, before: datetime, limit: int) -> int:
        """Delete up to ``limit`` entries older than ``before``, oldest first; small batches keep locks short."""
        oldest = select(MessageLogRow.id).where(MessageLogRow.at < before).order_by(MessageLogRow.at).limit(limit)
        result = self._session.execute(delete(MessageLogRow).where(MessageLogRow.id.in_(oldest.scalar_subquery())))
        return int(result.rowcount or 0)

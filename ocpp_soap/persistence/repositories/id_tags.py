"""Id tags in SQL."""

from __future__ import annotations

from sqlalchemy import bindparam, delete, select
from sqlalchemy.orm import Session

from ...domain.model import (
    AuthorizationStatus,
    IdTag,
)
from ..core_execution import execute
from ..orm import (
    IdTagRow,
    table_of,
)


class SqlIdTagRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def get(self, id_tag: str) -> IdTag | None:
        row = execute(self._session, _SELECT_ID_TAG, {"b_key": id_tag}).first()
        if row is None:
            return None
        return IdTag(row.id_tag, AuthorizationStatus(row.status), row.expiry_date, row.parent_id_tag)

    def add(self, tag: IdTag) -> None:
        self._session.add(
            IdTagRow(id_tag=tag.id_tag, status=tag.status.value, expiry_date=tag.expiry_date, parent_id_tag=tag.parent_id_tag)
        )

    def save(self, tag: IdTag) -> None:
        row = self._session.get(IdTagRow, tag.id_tag)
        if row is None:
            self.add(tag)
            return
        row.status, row.expiry_date, row.parent_id_tag = tag.status.value, tag.expiry_date, tag.parent_id_tag

    def delete(self, id_tag: str) -> None:
        self._session.execute(delete(IdTagRow).where(IdTagRow.id_tag == id_tag))


_ID_TAGS = table_of(IdTagRow)
_SELECT_ID_TAG = select(_ID_TAGS).where(_ID_TAGS.c.id_tag == bindparam("b_key"))

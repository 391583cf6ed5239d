"""What every read-model module shares: the value base class, timestamps, pages and bounded counting."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any, Generic, TypeVar, overload

from pydantic import BaseModel, ConfigDict, PlainSerializer, WithJsonSchema
from pydantic.alias_generators import to_camel
from sqlalchemy import Engine, Select, func, select

T = TypeVar("T")


class Value(BaseModel):
    """A read-model value: immutable, snake_case in Python, camelCase in JSON; its schema is the API's."""

    model_config = ConfigDict(frozen=True, alias_generator=to_camel, populate_by_name=True, extra="forbid",
                              from_attributes=True, serialize_by_alias=True)


Time = Annotated[
    datetime,
    PlainSerializer(lambda value: value.isoformat(), return_type=str, when_used="json"),
    WithJsonSchema({"type": "string", "format": "date-time"}),
]
"""An aware UTC time, written as ISO 8601 with its offset (``2030-01-02T03:04:05+00:00``)."""


@overload
def aware(value: datetime) -> datetime: ...
@overload
def aware(value: None) -> None: ...
@overload
def aware(value: datetime | None) -> datetime | None: ...
def aware(value: datetime | None) -> datetime | None:
    """The columns' UtcDateTime type already gives aware UTC; this keeps any naive value from slipping through."""
    return value.replace(tzinfo=UTC) if value is not None and value.tzinfo is None else value


@dataclass(frozen=True)
class Page:
    number: int
    size: int

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.size


@dataclass(frozen=True)
class Listing(Generic[T]):
    items: list[T]
    total: int
    total_exact: bool = True
    """False when counting stopped at ``COUNT_LIMIT`` rows past the page: there are at least ``total``."""


COUNT_LIMIT = 10_000
"""Rows counted beyond the page asked for, at most. An exact count(*) grows with the table (17 ms for 200,000
transactions, seconds for a fleet's message log); a bounded one costs what the page's own offset costs."""


def paged(engine: Engine, query: Select[Any], page: Page, convert: Callable[[Sequence[Any]], list[T]]) -> Listing[T]:
    """One page of ``query`` and a bounded count; ``convert`` turns the page's rows into values (all at once, so
    that it can fetch what the rows need in one more query)."""
    from . import base  # COUNT_LIMIT is read at call time: tests lower it

    limit = page.offset + page.size + base.COUNT_LIMIT
    with engine.connect() as connection:
        counted = connection.execute(
            select(func.count()).select_from(query.order_by(None).limit(limit + 1).subquery())
        ).scalar_one()
        rows = connection.execute(query.limit(page.size).offset(page.offset)).all()
    return Listing(convert(rows), min(counted, limit), total_exact=counted <= limit)


def each(convert: Callable[[Any], T]) -> Callable[[Sequence[Any]], list[T]]:
    return lambda rows: [convert(row) for row in rows]

"""Id tags and the authorization rules a station's question about one is answered by."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

ID_TOKEN_MAX = 20
"""OCPP's IdToken (CiString20Type): the longest id tag any version's station can present (1.2 sets no limit)."""


class AuthorizationStatus(enum.StrEnum):
    ACCEPTED = "Accepted"
    BLOCKED = "Blocked"
    EXPIRED = "Expired"
    INVALID = "Invalid"
    CONCURRENT_TX = "ConcurrentTx"


@dataclass(frozen=True)
class IdTag:
    id_tag: str
    status: AuthorizationStatus
    expiry_date: datetime | None = None
    parent_id_tag: str | None = None


@dataclass(frozen=True)
class IdTagInfo:
    """An authorization verdict: what a station is told about an id tag (and what a local list holds)."""

    status: AuthorizationStatus
    expiry_date: datetime | None = None
    parent_id_tag: str | None = None


def authorize(tag: IdTag | None, now: datetime, *, in_open_transaction: bool = False) -> IdTagInfo:
    """Decide what a station is told about an id tag.

    Unknown tags are Invalid; a stored Accepted tag past its expiry is Expired; an Accepted tag already
    charging elsewhere is ConcurrentTx (asked only when a transaction is about to start).
    """
    if tag is None:
        return IdTagInfo(AuthorizationStatus.INVALID)
    status = tag.status
    if status is AuthorizationStatus.ACCEPTED and tag.expiry_date is not None and tag.expiry_date <= now:
        status = AuthorizationStatus.EXPIRED
    if status is AuthorizationStatus.ACCEPTED and in_open_transaction:
        status = AuthorizationStatus.CONCURRENT_TX
    return IdTagInfo(status, tag.expiry_date, tag.parent_id_tag)

"""The API token: the one from ``OCPP_SOAP_API_TOKEN``, or else one generated at first start, stored hashed.

Table ``api_tokens`` (``ApiTokenRow`` in ``persistence/orm.py``, migration 0002): ``name`` VARCHAR(32) primary
key (``"api"``, one row per token purpose), ``token_hash`` VARCHAR(64) NOT NULL (SHA-256 of the token, hex),
``created_at`` TIMESTAMP WITH TIME ZONE NOT NULL.

A generated token is 256 random bits, so a plain SHA-256 is enough to make a stolen database useless (no slow
password hash is needed against guessing). Only the hash is stored; the token itself is logged once, when made.
Several workers starting together race on the primary key: one inserts and logs, the others read its row.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from datetime import UTC, datetime

from sqlalchemy import Engine, insert, select
from sqlalchemy.exc import IntegrityError

from ocpp_soap.persistence.orm import ApiTokenRow

logger = logging.getLogger(__name__)

TOKEN_NAME = "api"


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class TokenVerifier:
    """Checks a presented token against the expected hash, in constant time."""

    def __init__(self, expected_hash: str) -> None:
        self._expected = expected_hash.encode("ascii")

    def verify(self, presented: str | None) -> bool:
        if not presented:
            return False
        return hmac.compare_digest(hash_token(presented).encode("ascii"), self._expected)


def load_or_create(engine: Engine, configured: str | None) -> TokenVerifier:
    """The verifier for the configured token; without one, for the stored one, generating it on first start."""
    if configured:
        return TokenVerifier(hash_token(configured))
    stored_hash = select(ApiTokenRow.token_hash).where(ApiTokenRow.name == TOKEN_NAME)
    with engine.begin() as connection:
        stored = connection.execute(stored_hash).scalar()
    if stored is not None:
        return TokenVerifier(stored)
    token = secrets.token_urlsafe(32)
    try:
        with engine.begin() as connection:
            connection.execute(
                insert(ApiTokenRow).values(name=TOKEN_NAME, token_hash=hash_token(token), created_at=datetime.now(UTC))
            )
    except IntegrityError:  # another worker generated it a moment ago: use that one
        with engine.begin() as connection:
            stored = connection.execute(stored_hash).scalar_one()
        return TokenVerifier(stored)
    # The one time the token is shown: the operator copies it from here (or sets OCPP_SOAP_API_TOKEN instead).
    logger.warning("generated an API token, shown only this once (set OCPP_SOAP_API_TOKEN to choose one): %s", token)
    return TokenVerifier(hash_token(token))

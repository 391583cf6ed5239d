"""The admin account of the web app: its password, stored only as a salted hash in ``operator_accounts``.

The password is ``OCPP_SOAP_ADMIN_PASSWORD``; without it, one is generated at first start, stored hashed and
logged once (WARNING), like the API token (``webapp/api/token_store.py``). Several workers starting together
race on the primary key: one inserts and logs, the others read its row. When the configured password differs
from the stored hash, the hash is replaced with a compare-and-set, so concurrent workers converge on one stored
hash, from which they all derive the same session secret.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Engine, insert, select, update
from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash, generate_password_hash

from ocpp_soap.persistence.orm import OperatorAccountRow

logger = logging.getLogger(__name__)

ADMIN = "admin"
_SESSION_LABEL = b"ocpp-soap web session secret v1"


@dataclass(frozen=True)
class AdminAccount:
    """The admin's stored hash, settled for this process, and what is derived from it."""

    password_hash: str

    def verify(self, password: str) -> bool:
        return bool(password) and check_password_hash(self.password_hash, password)

    def session_secret(self) -> str:
        """A secret every worker and node derives alike, and that changes (ending sessions) with the password."""
        return hmac.new(_SESSION_LABEL, self.password_hash.encode("utf-8"), hashlib.sha256).hexdigest()

    def fingerprint(self) -> str:
        """Kept in the session: a session made under another password is no longer valid, whatever the secret."""
        return hashlib.sha256(self.password_hash.encode("utf-8")).hexdigest()[:16]


def load_or_create(engine: Engine, configured: str | None) -> AdminAccount:
    """The admin account, creating or updating its stored hash as the setting says."""
    for _ in range(5):
        stored = _stored_hash(engine)
        if stored is not None:
            if configured is None or check_password_hash(stored, configured):
                return AdminAccount(stored)
            if _replace(engine, stored, generate_password_hash(configured)):
                logger.info("admin password changed from OCPP_SOAP_ADMIN_PASSWORD")
            continue  # read back what is stored now: ours, or a concurrent worker's hash of the same password
        password = configured or secrets.token_urlsafe(15)
        try:
            with engine.begin() as connection:
                connection.execute(
                    insert(OperatorAccountRow).values(
                        username=ADMIN, password_hash=generate_password_hash(password), created_at=datetime.now(UTC)
                    )
                )
        except IntegrityError:  # another worker stored it a moment ago: use that one
            continue
        if configured is None:
            # The one time the password is shown (or set OCPP_SOAP_ADMIN_PASSWORD instead).
            logger.warning(
                "generated a password for the web app's user %r, shown only this once "
                "(set OCPP_SOAP_ADMIN_PASSWORD to choose one): %s", ADMIN, password,
            )
    stored = _stored_hash(engine)
    if stored is None:
        raise RuntimeError("the admin account could not be stored")
    return AdminAccount(stored)


def _stored_hash(engine: Engine) -> str | None:
    with engine.begin() as connection:
        value = connection.execute(
            select(OperatorAccountRow.password_hash).where(OperatorAccountRow.username == ADMIN)
        ).scalar()
    return None if value is None else str(value)


def _replace(engine: Engine, old_hash: str, new_hash: str) -> bool:
    with engine.begin() as connection:
        result = connection.execute(
            update(OperatorAccountRow)
            .where(OperatorAccountRow.username == ADMIN, OperatorAccountRow.password_hash == old_hash)
            .values(password_hash=new_hash)
        )
    return bool(result.rowcount)

"""What the web app settles once, at start (``create_webapp``), through the bus: the built-in administrator's
password, the API token of ``OCPP_SOAP_API_TOKEN`` (or one generated and logged once), and the key that signs
session cookies (``OCPP_SOAP_SECRET_KEY``, or a random one generated once and shared by every worker and node).

Several workers starting together race on the same rows: one writes (and logs), the others read its row.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from dataclasses import dataclass

from . import core
from .readmodel import accounts as stored

logger = logging.getLogger(__name__)

STARTUP = "start-up"
"""The actor recorded for what start-up writes."""
GENERATED_TOKEN = "api"
SESSION_KEY = "web-session-key"
_FINGERPRINT_LABEL = b"ocpp-soap session v2"


def fingerprint(password_hash: str) -> str:
    """Kept in an account's session: a session made under another password is no longer valid."""
    return hmac.new(_FINGERPRINT_LABEL, password_hash.encode("utf-8"), hashlib.sha256).hexdigest()[:32]


@dataclass(frozen=True)
class AdminAccount:
    """The built-in administrator's stored hash, as settled for this process."""

    password_hash: str

    def verify(self, password: str) -> bool:
        return core.verify_password(self.password_hash, password)

    def session_secret(self) -> str:
        """What the account's sessions carry (``fingerprint``): the same on every worker, new with a new password,
        which ends every session made under the old one."""
        return fingerprint(self.password_hash)


def settle_admin(gateway: core.Gateway, configured: str | None) -> AdminAccount:
    """The built-in ``admin`` account, created (with the configured or a generated password) or updated to the
    configured password."""
    for _ in range(5):
        found = stored.stored_account(gateway.database, core.BUILT_IN_ADMIN)
        if found is not None:
            if configured is None or core.verify_password(found.password_hash, configured):
                return AdminAccount(found.password_hash)
            try:
                core.handle_as(gateway.bus, core.ChangePassword(
                    core.BUILT_IN_ADMIN, core.hash_password(configured), expected_hash=found.password_hash,
                ), STARTUP, gateway.clock)
                logger.info("admin password changed from OCPP_SOAP_ADMIN_PASSWORD")
            except core.AccountConflict:
                pass  # another worker replaced it a moment ago: read back what is stored now
            continue
        password = configured or secrets.token_urlsafe(15)
        try:
            core.handle_as(gateway.bus, core.CreateAccount(core.BUILT_IN_ADMIN, core.hash_password(password),
                                                           core.Role.ADMIN), STARTUP, gateway.clock)
        except core.AlreadyExists:
            continue  # another worker stored it a moment ago: use that one
        if configured is None:
            # The one time the password is shown (or set OCPP_SOAP_ADMIN_PASSWORD instead).
            logger.warning(
                "generated a password for the web app's user %r, shown only this once "
                "(set OCPP_SOAP_ADMIN_PASSWORD to choose one): %s", core.BUILT_IN_ADMIN, password,
            )
    found = stored.stored_account(gateway.database, core.BUILT_IN_ADMIN)
    if found is None:
        raise RuntimeError("the admin account could not be stored")
    return AdminAccount(found.password_hash)


def hash_token(token: str) -> str:
    """Tokens are 256 random bits: a plain SHA-256 makes a stolen database useless (no slow hash is needed)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def settle_api_token(gateway: core.Gateway, configured: str | None) -> str:
    """The SHA-256 of the administrator's API token: the configured one, or one generated at first start."""
    if configured:
        return hash_token(configured)
    found = stored.generated_api_token_hash(gateway.database, GENERATED_TOKEN)
    if found is not None:
        return found
    token = secrets.token_urlsafe(32)
    kept = core.handle_as(gateway.bus, core.StoreGeneratedApiToken(GENERATED_TOKEN, hash_token(token)), STARTUP,
                          gateway.clock)
    if kept == hash_token(token):
        # The one time the token is shown: the operator copies it from here (or sets OCPP_SOAP_API_TOKEN instead).
        logger.warning("generated an API token, shown only this once (set OCPP_SOAP_API_TOKEN to choose one): %s",
                       token)
    return str(kept)


def settle_session_key(gateway: core.Gateway, configured: str | None) -> str:
    if configured:
        return configured
    return stored.shared_secret(gateway.database, SESSION_KEY) or str(
        core.handle_as(gateway.bus, core.StoreSecret(SESSION_KEY, secrets.token_hex(32)), STARTUP, gateway.clock)
    )

"""Station passwords for HTTP Basic auth toward the back office (OCPP 1.6 security profiles 1 and 2).

The relay must send the password itself, so it cannot be hashed: it is encrypted with Fernet (AES-128-CBC with
HMAC-SHA256, from ``cryptography``) under ``OCPP_SOAP_RELAY_KEY``, a comma-separated list of keys (the first
encrypts, each of them decrypts: add a new key in front, re-save the passwords, then drop the old key). Without
it the key is derived from ``OCPP_SOAP_SECRET_KEY`` (HKDF-SHA256, its own context string), so that one secret
configured for the web app also covers the relay; with neither, passwords cannot be stored and the API says so.
A password never appears in a log line, an API answer or an error message.
"""

from __future__ import annotations

import base64

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from ..config import Settings

HKDF_INFO = b"ocpp-soap relay station passwords v1"
PASSWORD_MAX = 40
"""OCPP 1.6 security profiles 1 and 2: AuthorizationKey, a password of 16 to 40 characters (shorter ones are
accepted, since back offices on profile 1 set their own rules)."""


class NoKey(Exception):
    """No key is configured: a password cannot be stored."""


class UnreadablePassword(Exception):
    """A stored password does not decrypt with any configured key (the key changed)."""


def new_key() -> str:
    return Fernet.generate_key().decode("ascii")


def derived_key(secret: str) -> str:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=HKDF_INFO).derive(secret.encode("utf-8"))
    return base64.urlsafe_b64encode(key).decode("ascii")


class PasswordBox:
    def __init__(self, keys: tuple[str, ...]) -> None:
        self._fernet = MultiFernet([Fernet(key.encode("ascii")) for key in keys]) if keys else None

    @classmethod
    def from_settings(cls, settings: Settings) -> PasswordBox:
        keys = settings.relay.keys
        if not keys and settings.secret_key:
            keys = (derived_key(settings.secret_key),)
        return cls(keys)

    @property
    def can_store(self) -> bool:
        return self._fernet is not None

    def seal(self, password: str) -> str:
        if self._fernet is None:
            raise NoKey("set OCPP_SOAP_RELAY_KEY (or OCPP_SOAP_SECRET_KEY) to store relay passwords")
        return self._fernet.encrypt(password.encode("utf-8")).decode("ascii")

    def open(self, token: str) -> str:
        if self._fernet is None:
            raise UnreadablePassword("no key is configured to read the stored password")
        try:
            return self._fernet.decrypt(token.encode("ascii")).decode("utf-8")
        except (InvalidToken, ValueError):
            raise UnreadablePassword("the stored password does not decrypt with the configured keys") from None

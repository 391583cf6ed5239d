"""Password hashes for operator accounts: Argon2id (argon2-cffi, its RFC 9106 low-memory profile).

Hashes made before accounts moved to Argon2 (werkzeug's ``scrypt:``/``pbkdf2:`` hashes) still verify, and
:func:`needs_rehash` says so, so that a successful login replaces them.
"""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from .domain.errors import InvalidCommand

MIN_LENGTH = 10
MAX_LENGTH = 1024  # hashing a megabyte of "password" is a denial of service, not a password
_HASHER = PasswordHasher()
_LEGACY = ("scrypt:", "pbkdf2:")


def hash_password(password: str, field: str = "password") -> str:
    """The stored form of a new password; refuses one too short (or absurdly long) to be a password."""
    if len(password) < MIN_LENGTH:
        raise InvalidCommand(field, f"a password needs at least {MIN_LENGTH} characters")
    if len(password) > MAX_LENGTH:
        raise InvalidCommand(field, f"a password has at most {MAX_LENGTH} characters")
    return _HASHER.hash(password)


def verify_password(stored_hash: str, password: str) -> bool:
    if not password or len(password) > MAX_LENGTH:
        return False
    if stored_hash.startswith(_LEGACY):
        from werkzeug.security import check_password_hash

        return check_password_hash(stored_hash, password)
    try:
        return _HASHER.verify(stored_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    """True for a legacy hash or one made with weaker Argon2 parameters than today's."""
    if stored_hash.startswith(_LEGACY):
        return True
    try:
        return _HASHER.check_needs_rehash(stored_hash)
    except InvalidHashError:
        return True

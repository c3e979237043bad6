"""Values the store keeps but must not be able to read back alone: sealed with SECRET_KEY.

An e-mailed invitation link carries a token that the accounts store keeps only as a digest; the
outbox needs the token until the message goes, so it keeps it sealed (Fernet, with a key derived
from SECRET_KEY for one purpose). A copy of the database reveals nothing.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

from cryptography.fernet import Fernet, InvalidToken


def _fernet(secret_key: str, purpose: str) -> Fernet:
    key = hmac.new(secret_key.encode(), f"seal:{purpose}".encode(), hashlib.sha256).digest()
    return Fernet(base64.urlsafe_b64encode(key))


def seal(secret_key: str, purpose: str, value: str) -> str:
    return _fernet(secret_key, purpose).encrypt(value.encode()).decode()


def unseal(secret_key: str, purpose: str, sealed: str, max_age_seconds: int | None = None) -> str | None:
    """The value, or None when it was not sealed with this key and purpose (or is too old)."""
    try:
        return _fernet(secret_key, purpose).decrypt(sealed.encode(), ttl=max_age_seconds).decode()
    except (InvalidToken, ValueError):
        return None

"""Values the store keeps but must not be able to read back alone: sealed with SECRET_KEY.

An e-mailed invitation link carries a token that the accounts store keeps only as a digest; the
outbox needs the token until the message goes, so it keeps it sealed (Fernet, with a key derived
from SECRET_KEY for one purpose). A copy of the database reveals nothing.

A sealed value is also a token that proves Udkast issued it: an e-mail's one-click unsubscribe
link carries the (user, kind) it turns off, sealed with the time it was issued, so it cannot be
forged or altered and stops working after a while (``max_age_seconds``, against the app's clock).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import datetime

from cryptography.fernet import Fernet, InvalidToken


def _fernet(secret_key: str, purpose: str) -> Fernet:
    key = hmac.new(secret_key.encode(), f"seal:{purpose}".encode(), hashlib.sha256).digest()
    return Fernet(base64.urlsafe_b64encode(key))


def seal(secret_key: str, purpose: str, value: str, at: datetime | None = None) -> str:
    """``value`` sealed for ``purpose``, stamped with ``at`` (default: the system's time)."""
    fernet = _fernet(secret_key, purpose)
    if at is None:
        return fernet.encrypt(value.encode()).decode()
    return fernet.encrypt_at_time(value.encode(), int(at.timestamp())).decode()


def unseal(
    secret_key: str, purpose: str, sealed: str, max_age_seconds: int | None = None, now: datetime | None = None
) -> str | None:
    """The value, or None when it was not sealed with this key and purpose (or is older than
    ``max_age_seconds`` at ``now``, default the system's time)."""
    fernet = _fernet(secret_key, purpose)
    try:
        if now is not None and max_age_seconds is not None:
            return fernet.decrypt_at_time(sealed.encode(), max_age_seconds, int(now.timestamp())).decode()
        return fernet.decrypt(sealed.encode(), ttl=max_age_seconds).decode()
    except (InvalidToken, ValueError):
        return None

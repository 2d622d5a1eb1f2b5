"""RFC 6238 TOTP (SHA-1, 30 s steps, 6 digits), the variant every authenticator app
speaks. Pure functions; the caller supplies the time."""

import base64
import hashlib
import hmac
import secrets
import struct
from datetime import datetime
from urllib.parse import quote, urlencode

STEP_SECONDS = 30
DIGITS = 6


def new_totp_secret() -> str:
    """160 random bits in unpadded base32, as RFC 4226 recommends."""
    return base64.b32encode(secrets.token_bytes(20)).decode().rstrip("=")


def _key(secret: str) -> bytes:
    return base64.b32decode(secret + "=" * (-len(secret) % 8), casefold=True)


def time_step(at: datetime) -> int:
    return int(at.timestamp()) // STEP_SECONDS


def totp_code(secret: str, step: int) -> str:
    digest = hmac.new(_key(secret), struct.pack(">Q", step), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(value % 10**DIGITS).zfill(DIGITS)


def matching_step(
    secret: str, code: str, at: datetime, *, after_step: int, window: int = 1
) -> int | None:
    """The time step whose code equals `code`, within ±`window` steps of `at` and
    strictly later than `after_step` (so a used code cannot be replayed)."""
    if len(code) != DIGITS or not code.isdigit():
        return None
    now = time_step(at)
    for step in range(now - window, now + window + 1):
        if step > after_step and hmac.compare_digest(totp_code(secret, step), code):
            return step
    return None


def provisioning_uri(secret: str, account: str, issuer: str) -> str:
    label = quote(f"{issuer}:{account}")
    query = urlencode({"secret": secret, "issuer": issuer, "digits": DIGITS})
    return f"otpauth://totp/{label}?{query}&period={STEP_SECONDS}"

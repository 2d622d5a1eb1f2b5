"""Opaque secrets (refresh tokens, API keys, recovery codes): made with `secrets`,
stored only as SHA-256 digests. They carry ≥ 128 random bits, so a fast hash is
enough: there is nothing to brute-force (unlike passwords)."""

import hashlib
import secrets

RECOVERY_CODE_COUNT = 10


def new_refresh_token() -> str:
    return "rt_" + secrets.token_urlsafe(32)


def new_api_key_secret() -> str:
    return "sk_" + secrets.token_urlsafe(32)


def new_recovery_code() -> str:
    raw = secrets.token_hex(8)  # 64 bits
    return "-".join(raw[i : i + 4] for i in range(0, 16, 4))


def digest(secret: str) -> bytes:
    return hashlib.sha256(secret.encode()).digest()


def normalise_recovery_code(code: str) -> str:
    return code.strip().lower()

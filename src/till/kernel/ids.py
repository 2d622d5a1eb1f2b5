"""Prefixed, time-sortable identifiers (`usr_01J...`), Stripe style.

The body is a ULID: 48 bits of milliseconds then 80 random bits, in Crockford
base32, so ids sort by creation time and never collide in practice.
"""

import secrets
import time

_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # pragma: allowlist secret
_BODY_LENGTH = 26


def new_id(prefix: str, *, now_ms: int | None = None) -> str:
    """A new id such as `usr_01JD3Q...`; `prefix` is a short lowercase kind."""
    millis = time.time_ns() // 1_000_000 if now_ms is None else now_ms
    value = (millis << 80) | secrets.randbits(80)
    chars = []
    for _ in range(_BODY_LENGTH):
        chars.append(_ALPHABET[value & 31])
        value >>= 5
    return f"{prefix}_{''.join(reversed(chars))}"


def is_id_of(kind: str, value: str) -> bool:
    """True when `value` is well formed and carries the `kind` prefix."""
    prefix, sep, body = value.partition("_")
    return (
        sep == "_"
        and prefix == kind
        and len(body) == _BODY_LENGTH
        and all(c in _ALPHABET for c in body)
    )


def derived_id(prefix: str, millis: int, entropy: bytes) -> str:
    """An id like `new_id`'s whose random part is taken from `entropy` (≥ 10
    bytes, e.g. a hash of a natural key): the same inputs give the same id, so
    importing the same record twice names it once."""
    if len(entropy) < 10:
        raise ValueError("derived ids need at least 10 bytes of entropy")
    value = (millis << 80) | int.from_bytes(entropy[:10], "big")
    chars = []
    for _ in range(_BODY_LENGTH):
        chars.append(_ALPHABET[value & 31])
        value >>= 5
    return f"{prefix}_{''.join(reversed(chars))}"

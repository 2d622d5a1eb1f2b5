"""`Idempotency-Key` at the HTTP edge (API.md, Conventions).

Every POST that creates or moves money requires the header (1–255 characters).
The key is reserved before the command runs, with a fingerprint of method, path,
caller and body. A retry with the same key and body gets the stored response
(`Idempotent-Replayed: true`); another body → 422 `idempotency_key_reused`;
while the first still runs → 409 `idempotency_key_in_use`.

A reservation holds a lease. When the process running it dies, or the command
ends with nothing to store (a validation error, the processor unavailable), the
lease is released and a retry takes over *with the same resource id*, so it
resumes the first attempt's work instead of starting a second one."""

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from till.kernel.idempotency import StoredResponse
from till.platform.problems import ProblemError

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
RETENTION = timedelta(hours=24)
LEASE = timedelta(seconds=60)  # far above any command's run time
MAX_KEY_LENGTH = 255


def require_key(value: str | None) -> str:
    if value is None or value == "":
        raise ProblemError(
            400,
            "idempotency_key_missing",
            f"this request needs an `{HEADER}` header",
            param=HEADER,
        )
    if len(value) > MAX_KEY_LENGTH or not value.isprintable():
        raise ProblemError(
            422,
            "validation_error",
            f"`{HEADER}` must be 1 to {MAX_KEY_LENGTH} printable characters",
            param=HEADER,
        )
    return value


def fingerprint(method: str, path: str, caller: str, body: bytes) -> bytes:
    digest = hashlib.sha256()
    for part in (method.encode(), path.encode(), caller.encode()):
        digest.update(len(part).to_bytes(4, "big") + part)
    digest.update(body)
    return digest.digest()


@dataclass(frozen=True, slots=True)
class Reserved:
    resource_id: str
    resumed: bool


@dataclass(frozen=True, slots=True)
class Replay:
    response: StoredResponse


class IdempotencyKeyInUse(ProblemError):
    def __init__(self) -> None:
        super().__init__(
            409,
            "idempotency_key_in_use",
            "a request with this Idempotency-Key is still running; retry later",
            headers={"Retry-After": "1"},
        )


class IdempotencyKeyReused(ProblemError):
    def __init__(self) -> None:
        super().__init__(
            422,
            "idempotency_key_reused",
            "this Idempotency-Key was used with a different request",
            param=HEADER,
        )


class IdempotencyStore(Protocol):
    async def reserve(
        self,
        caller: str,
        key: str,
        fingerprint: bytes,
        new_resource_id: str,
        now: datetime,
    ) -> Reserved | Replay:
        """Reserve the key, or say what to answer (raises IdempotencyKeyInUse /
        IdempotencyKeyReused)."""

    async def store(
        self, caller: str, key: str, response: StoredResponse, now: datetime
    ) -> None:
        """Store an error response (successes are stored by the command)."""

    async def release(self, caller: str, key: str) -> None:
        """End the lease now: the next retry takes over (same resource id)."""

    async def forget(self, caller: str, key: str) -> None:
        """Drop the reservation (a 422 validation error is not stored: the
        caller may send a corrected body under the same key)."""

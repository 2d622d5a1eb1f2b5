"""A webhook delivery due to be sent, and one attempt at it, as values."""

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class DueDelivery:
    id: str
    endpoint_id: str
    event_id: str
    payload: bytes
    attempts: int
    first_attempt_at: datetime | None


@dataclass(frozen=True, slots=True)
class Attempt:
    at: datetime
    status_code: int | None
    latency_ms: int
    excerpt: str | None
    error: str | None

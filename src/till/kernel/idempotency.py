"""Idempotency keys as commands see them (API.md, Conventions): a reserved
key, and the response stored with the command's writes, replayed byte for byte
on a retry."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class StoredResponse:
    """A response as first sent."""

    status: int
    content_type: str
    body: bytes


@dataclass(frozen=True, slots=True)
class IdempotencyScope:
    """One `Idempotency-Key` of one caller, reserved before the command ran.
    `resource_id` is the id the command must give what it creates (the same on
    a retry); `resumed` says a retry took over after the first attempt stopped
    before finishing; `render` gives the response to store with the writes."""

    caller: str
    key: str
    resource_id: str
    resumed: bool
    render: Callable[[Any], StoredResponse]

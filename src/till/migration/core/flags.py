"""Feature flags of the strangler-fig migration (issue 5): which customers a
migrated route serves from the new service.

Evaluation, in this order: a disabled flag is off for everyone (the kill
switch); a customer on the allowlist is on; otherwise a customer is on iff
their bucket `murmur3_32("{flag}:{customer}", 0) % 100 + 1` is at most the
percentage — Unleash's gradual-rollout normalisation, so the bucket is sticky
per customer and raising the percentage only ever adds customers. Without a
customer only a full rollout (100 %) is on."""

import re
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum
from typing import Any

from till.kernel.errors import ValidationFailed
from till.migration.core.murmur3 import murmur3_32

_KEY = re.compile(r"[a-z][a-z0-9_-]*(\.[a-z][a-z0-9_-]*)*")
_CUSTOMER_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")
MAX_KEY_LENGTH = 100
MAX_ALLOWLIST = 1000


class FlagReason(StrEnum):
    """Why a flag answered as it did (OpenFeature's reasons map onto these)."""

    DISABLED = "disabled"  # the kill switch
    ALLOWLISTED = "allowlisted"  # the customer is named in the allowlist
    SPLIT = "split"  # the customer's bucket decided
    STATIC = "static"  # 0 %, 100 % or no customer: the same for everyone


@dataclass(frozen=True, slots=True)
class FlagSettings:
    """What an admin sets on a flag (the rest is bookkeeping)."""

    enabled: bool
    percentage: int
    allowlist: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class FeatureFlag:
    key: str
    enabled: bool
    percentage: int
    allowlist: frozenset[str]
    updated_at: datetime
    updated_by: str
    version: int = 1  # +1 per change: caches keep the newest they have seen

    def __post_init__(self) -> None:
        if len(self.key) > MAX_KEY_LENGTH or not _KEY.fullmatch(self.key):
            raise ValidationFailed(
                "a flag key is lowercase dotted words, like orders.create",
                param="key",
            )
        if not isinstance(self.enabled, bool):
            raise ValidationFailed("enabled is true or false", param="enabled")
        if type(self.percentage) is not int or not 0 <= self.percentage <= 100:
            raise ValidationFailed(
                "percentage is an integer from 0 to 100", param="percentage"
            )
        _check_allowlist(self.allowlist)
        if self.updated_at.tzinfo is None:
            raise ValidationFailed("updated_at must be timezone-aware")
        if not self.updated_by:
            raise ValidationFailed("a change names who made it")

    @classmethod
    def created(
        cls, key: str, settings: FlagSettings, by: str, at: datetime
    ) -> "FeatureFlag":
        return cls(
            key, settings.enabled, settings.percentage, settings.allowlist, at, by
        )

    def with_settings(
        self, settings: FlagSettings, by: str, at: datetime
    ) -> "FeatureFlag":
        return replace(
            self,
            enabled=settings.enabled,
            percentage=settings.percentage,
            allowlist=settings.allowlist,
            updated_at=at,
            updated_by=by,
            version=self.version + 1,
        )


def _check_allowlist(allowlist: frozenset[str]) -> None:
    if len(allowlist) > MAX_ALLOWLIST:
        raise ValidationFailed(
            f"an allowlist names at most {MAX_ALLOWLIST} customers", param="allowlist"
        )
    for customer_id in allowlist:
        if not isinstance(customer_id, str) or not _CUSTOMER_ID.fullmatch(customer_id):
            raise ValidationFailed(
                "an allowlist holds customer ids (letters, digits, _ and -)",
                param="allowlist",
            )


@dataclass(frozen=True, slots=True)
class FlagDecision:
    on: bool
    reason: FlagReason
    bucket: int | None = None  # 1–100 when the customer's bucket decided


def rollout_bucket(flag_key: str, customer_id: str) -> int:
    """The customer's bucket for this flag, 1–100 (Unleash's normalisation)."""
    return murmur3_32(f"{flag_key}:{customer_id}".encode(), 0) % 100 + 1


def evaluate(flag: FeatureFlag, customer_id: str | None) -> FlagDecision:
    if not flag.enabled:
        return FlagDecision(False, FlagReason.DISABLED)
    if customer_id is not None and customer_id in flag.allowlist:
        return FlagDecision(True, FlagReason.ALLOWLISTED)
    if customer_id is None or flag.percentage in (0, 100):
        return FlagDecision(flag.percentage == 100, FlagReason.STATIC)
    bucket = rollout_bucket(flag.key, customer_id)
    return FlagDecision(bucket <= flag.percentage, FlagReason.SPLIT, bucket)


def rfc3339(at: datetime) -> str:
    return at.isoformat().replace("+00:00", "Z")


def flag_to_dict(flag: FeatureFlag) -> dict[str, Any]:
    """The flag as JSON-ready data (the API's body, the audit's before/after,
    the cross-process change message)."""
    return {
        "key": flag.key,
        "enabled": flag.enabled,
        "percentage": flag.percentage,
        "allowlist": sorted(flag.allowlist),
        "updated_at": rfc3339(flag.updated_at),
        "updated_by": flag.updated_by,
        "version": flag.version,
    }


def flag_from_dict(data: dict[str, Any]) -> FeatureFlag:
    return FeatureFlag(
        key=data["key"],
        enabled=data["enabled"],
        percentage=data["percentage"],
        allowlist=frozenset(data["allowlist"]),
        updated_at=datetime.fromisoformat(data["updated_at"]),
        updated_by=data["updated_by"],
        version=data["version"],
    )

"""The migration context's driven ports: towards the legacy side (everything
crossing them is in legacy space: `LegacyOrder` rows, legacy statuses, naive
LEGACY_TZ times — convert with `legacy_time` first) and for its feature flags."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from till.migration.core.access import Caller
from till.migration.core.flags import FeatureFlag, FlagSettings
from till.migration.core.legacy_orders import LegacyOrder


class LegacyOrderStore(Protocol):
    """The legacy `orders`/`order_items` tables (MariaDB)."""

    async def scan(self, after_id: int, limit: int) -> list[LegacyOrder]:
        """Up to `limit` orders with id > after_id, ascending, with their items,
        soft-deleted ones included (a backfill/reconcile batch; resume from the
        last id)."""
        ...

    async def get_many(self, ids: Sequence[int]) -> dict[int, LegacyOrder]:
        """The orders among `ids` that exist (soft-deleted included)."""
        ...

    async def count(self, *, include_deleted: bool = True) -> int: ...

    async def max_id(self) -> int:
        """The highest order id (0 when empty): a backfill's finish line."""
        ...

    async def upsert_order(self, order: LegacyOrder) -> int:
        """Insert or update the order whose `increment_id` is set (a till
        order id) with its items, replaced, in one transaction; idempotent;
        returns the legacy id."""
        ...

    async def apply_status(
        self, legacy_id: int, status: str, updated_at: datetime
    ) -> bool:
        """Set a legacy status and `updated_at`; False when no such row."""
        ...


class LegacyCustomerMap(Protocol):
    """till customer id ↔ legacy customer id (`legacy_customers`)."""

    async def legacy_customer_for(self, customer_id: str | None) -> int:
        """The legacy id of a till customer, allocated (from 1,000,000,000)
        and recorded on first use; `lgc_N` is N and None is 0 by rule."""
        ...

    async def find_legacy_customer(self, customer_id: str | None) -> int | None:
        """Like `legacy_customer_for` without allocating: None if unmapped."""
        ...

    async def customers_for_legacy(
        self, legacy_ids: Sequence[int]
    ) -> dict[int, str | None]:
        """The till customer of each legacy id: the mapped one, else `lgc_N`
        (0 → None)."""
        ...

    async def link(self, customer_id: str, legacy_customer_id: int) -> None:
        """Record a known pair (an operator mapping an existing customer);
        a conflicting pair is a `Conflict`."""
        ...


@dataclass(frozen=True, slots=True)
class FlagChange:
    """One admin action on a flag: the flag after it, and what it replaced
    (None when the action created the flag). Stored with the flag, in the
    same transaction, as the audit trail."""

    before: FeatureFlag | None
    after: FeatureFlag


class StaleFlag(Exception):
    """Another change to the flag was saved since it was read."""


class FeatureFlagStore(Protocol):
    """Where flags live (PostgreSQL in production)."""

    async def all(self) -> list[FeatureFlag]: ...

    async def get(self, key: str) -> FeatureFlag | None: ...

    async def save(self, change: FlagChange) -> None:
        """Store `change.after` and its audit record, only if the stored flag
        is still `change.before` (same version); raises `StaleFlag` if not."""


class FlagSnapshot(Protocol):
    """Every flag as this process last knew it, at most a few seconds old."""

    def cached(self) -> Mapping[str, FeatureFlag]:
        """Without waiting (sync callers): the snapshot as it is, a refresh
        scheduled if it has expired."""

    async def current(self) -> Mapping[str, FeatureFlag]:
        """The snapshot, reloaded first if it has expired (bounded staleness)."""


class FlagAnnouncer(Protocol):
    """Tells the other processes of a change, so they apply it at once."""

    async def announce(self, flag: FeatureFlag) -> None: ...


class FlagCommandPort(Protocol):
    """The admin API's driving port."""

    async def list(self, caller: Caller) -> list[FeatureFlag]: ...

    async def set(
        self, caller: Caller, key: str, settings: FlagSettings
    ) -> FeatureFlag: ...

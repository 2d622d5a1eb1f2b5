"""The migration's driven ports towards the legacy side. Everything crossing
them is in legacy space: `LegacyOrder` rows, legacy statuses, naive LEGACY_TZ
times (convert with `legacy_time` first)."""

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

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

"""The strangler router's driven ports (ADR 0017). Orders cross them as
API.md order objects (plain dicts): migration never imports orders."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from till.migration.core.legacy_compare import Difference
from till.migration.core.order_routing import FlagAnswer

OrderObject = dict[str, Any]


class RolloutFlags(Protocol):
    """A route's flag for one customer (OpenFeature in production)."""

    async def is_on(self, flag: str, targeting_key: str) -> bool: ...

    async def answer(self, flag: str, targeting_key: str) -> FlagAnswer:
        """On, off by the customer's bucket (partial rollout), or off."""
        ...


class NewOrderSnapshots(Protocol):
    """The new store's copy of orders, without access checks (the router
    checks; the orders context's `OrderImportPort` has these methods)."""

    async def snapshot(self, order_id: str) -> OrderObject | None: ...

    async def orders_by_legacy_ids(
        self, legacy_ids: Sequence[int]
    ) -> Mapping[int, OrderObject]: ...


class LegacyOrders(Protocol):
    """The legacy shop in API.md's terms (`LegacyHttpOrders`); failures are
    problems with API.md's status codes."""

    async def create(
        self,
        *,
        customer_id: str | None,
        currency: str,
        items: Sequence[Mapping[str, Any]],
    ) -> OrderObject: ...

    async def get(
        self, order_id: str, *, legacy_id: int | None = None
    ) -> OrderObject: ...

    async def list_orders(
        self,
        *,
        customer_id: str | None = None,
        status: str | None = None,
        limit: int = 20,
        starting_after: str | None = None,
    ) -> OrderObject: ...

    async def cancel(
        self, order_id: str, *, legacy_id: int | None = None
    ) -> OrderObject: ...

    async def transition(
        self, action: str, order_id: str, *, legacy_id: int | None = None
    ) -> OrderObject: ...


@dataclass(frozen=True, slots=True)
class ShadowCount:
    compared: int
    mismatched: int


class ShadowLog(Protocol):
    """Where shadow reads leave their verdicts (PostgreSQL)."""

    async def record(
        self,
        route: str,
        order_id: str,
        differences: Sequence[Difference],
        at: datetime,
    ) -> None:
        """Count one comparison; keep the differences when there are any."""

    async def counts(self, since: datetime) -> dict[str, ShadowCount]:
        """Comparisons and mismatches per route since `since`."""


class DualWriteStatus(Protocol):
    """How far the dual-write (new → legacy) is behind. None: unknown (the
    dual-write is not deployed)."""

    async def lag_seconds(self) -> float | None:
        """Age of the oldest order event not yet written to legacy (0: none)."""

    async def pending(self) -> int | None:
        """Order events not yet written to legacy."""


class ReconciliationLog(Protocol):
    async def last(self) -> Mapping[str, Any] | None:
        """The last `till legacy reconcile` run, None if none (or unknown)."""

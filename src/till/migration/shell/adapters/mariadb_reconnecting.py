"""A `LegacyOrderStore` that connects to MariaDB on first use and again
after a failed connect: the app starts, and events keep being recorded, while
legacy is down; the dual-write's writes wait and retry."""

import asyncio
from collections.abc import Sequence
from datetime import datetime

from till.migration.core.legacy_orders import LegacyOrder
from till.migration.shell.adapters.mariadb_legacy_orders import MariaDbLegacyOrders


class ReconnectingLegacyOrders:
    def __init__(self, url: str, *, pool_size: int = 5) -> None:
        self._url = url
        self._pool_size = pool_size
        self._store: MariaDbLegacyOrders | None = None
        self._lock = asyncio.Lock()

    async def _connected(self) -> MariaDbLegacyOrders:
        async with self._lock:
            if self._store is None:
                self._store = await MariaDbLegacyOrders.connect(
                    self._url, pool_size=self._pool_size
                )
            return self._store

    async def close(self) -> None:
        if self._store is not None:
            await self._store.close()

    async def scan(self, after_id: int, limit: int) -> list[LegacyOrder]:
        return await (await self._connected()).scan(after_id, limit)

    async def get_many(self, ids: Sequence[int]) -> dict[int, LegacyOrder]:
        return await (await self._connected()).get_many(ids)

    async def count(self, *, include_deleted: bool = True) -> int:
        return await (await self._connected()).count(include_deleted=include_deleted)

    async def max_id(self) -> int:
        return await (await self._connected()).max_id()

    async def upsert_order(self, order: LegacyOrder) -> int:
        return await (await self._connected()).upsert_order(order)

    async def apply_status(
        self, legacy_id: int, status: str, updated_at: datetime
    ) -> bool:
        return await (await self._connected()).apply_status(
            legacy_id, status, updated_at
        )

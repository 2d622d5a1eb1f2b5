"""The legacy `orders`/`order_items` tables in MariaDB (aiomysql), for the
backfill and reconciliation (reads) and the dual-write (writes).

Every connection sets `time_zone = '+00:00'` (and the app's sql_mode), as the
PHP app does: the TIMESTAMP columns then hold and return the naive LEGACY_TZ
readings unconverted. Everything in and out is in legacy space (`LegacyOrder`,
naive local times). Reads of orders and their items share one consistent
snapshot; a write is one transaction. FOUND_ROWS makes an UPDATE report the
rows it matched, so a no-op status write still says the row exists.
"""

from collections.abc import Sequence
from datetime import datetime
from typing import Any, Self

import aiomysql  # type: ignore[import-untyped]
from pymysql.constants import CLIENT  # type: ignore[import-untyped]

from till.migration.core.legacy_orders import LegacyOrder
from till.migration.shell.adapters.mariadb_legacy_rows import (
    ITEM_COLUMNS,
    ORDER_COLUMNS,
    item_values,
    order_values,
    orders_from_rows,
)
from till.migration.shell.adapters.mysql_url import mysql_connect_args

SQL_MODE = (
    "ONLY_FULL_GROUP_BY,STRICT_TRANS_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,"
    "ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION"
)
SESSION = f"SET time_zone = '+00:00', sql_mode = '{SQL_MODE}'"
_UPSERT = (
    "INSERT INTO orders (increment_id, customer_id, status, currency_code, "
    "sub_total, grand_total, created_at, updated_at) "
    "VALUES (%s, %s, %s, %s, %s, %s, %s, %s) ON DUPLICATE KEY UPDATE "
    # LAST_INSERT_ID(id): the existing row's id becomes the statement's
    # insert id, so one round trip answers the legacy id either way.
    "id = LAST_INSERT_ID(id), customer_id = VALUES(customer_id), "
    "status = VALUES(status), currency_code = VALUES(currency_code), "
    "sub_total = VALUES(sub_total), grand_total = VALUES(grand_total), "
    "created_at = VALUES(created_at), updated_at = VALUES(updated_at)"
)
_COUNT_ALL = "SELECT COUNT(*) FROM orders"
_COUNT_LIVE = "SELECT COUNT(*) FROM orders WHERE deleted_at IS NULL"
_INSERT_ITEM = (
    "INSERT INTO order_items (order_id, sku, name, qty, price, row_total, "
    "created_at, updated_at) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)"
)


class MariaDbLegacyOrders:
    """`LegacyOrderStore` over an aiomysql pool."""

    def __init__(self, pool: aiomysql.Pool) -> None:
        self._pool = pool

    @classmethod
    async def connect(cls, url: str, *, pool_size: int = 5) -> Self:
        pool = await aiomysql.create_pool(
            minsize=1,
            maxsize=pool_size,
            autocommit=True,
            charset="utf8mb4",
            init_command=SESSION,
            client_flag=CLIENT.FOUND_ROWS,
            pool_recycle=3600,
            **mysql_connect_args(url),
        )
        return cls(pool)

    async def close(self) -> None:
        self._pool.close()
        await self._pool.wait_closed()

    async def scan(self, after_id: int, limit: int) -> list[LegacyOrder]:
        orders_sql = (
            f"SELECT {ORDER_COLUMNS} FROM orders "  # noqa: S608  # nosec B608
            "WHERE id > %s ORDER BY id LIMIT %s"
        )
        return await self._read(orders_sql, (after_id, limit))

    async def get_many(self, ids: Sequence[int]) -> dict[int, LegacyOrder]:
        wanted = tuple(sorted({int(i) for i in ids}))
        if not wanted:
            return {}
        orders_sql = (
            f"SELECT {ORDER_COLUMNS} FROM orders "  # noqa: S608  # nosec B608
            f"WHERE id IN ({_placeholders(len(wanted))}) ORDER BY id"
        )
        found = await self._read(orders_sql, wanted)
        return {order.id: order for order in found if order.id is not None}

    async def count(self, *, include_deleted: bool = True) -> int:
        sql = _COUNT_ALL if include_deleted else _COUNT_LIVE
        return int(await self._scalar(sql))

    async def max_id(self) -> int:
        return int(await self._scalar("SELECT COALESCE(MAX(id), 0) FROM orders"))

    async def upsert_order(self, order: LegacyOrder) -> int:
        if not order.increment_id:
            raise ValueError("the dual-write upserts on increment_id: set it")
        async with self._pool.acquire() as conn:
            await conn.begin()
            try:
                async with conn.cursor() as cursor:
                    await cursor.execute(_UPSERT, order_values(order))
                    legacy_id = int(cursor.lastrowid)
                    await cursor.execute(
                        "DELETE FROM order_items WHERE order_id = %s", (legacy_id,)
                    )
                    await cursor.executemany(
                        _INSERT_ITEM, item_values(legacy_id, order)
                    )
                await conn.commit()
            except BaseException:
                await conn.rollback()
                raise
        return legacy_id

    async def apply_status(
        self, legacy_id: int, status: str, updated_at: datetime
    ) -> bool:
        async with self._pool.acquire() as conn, conn.cursor() as cursor:
            matched = await cursor.execute(
                "UPDATE orders SET status = %s, updated_at = %s WHERE id = %s",
                (status, updated_at, legacy_id),
            )
        return bool(matched)

    async def _read(
        self, orders_sql: str, params: tuple[Any, ...]
    ) -> list[LegacyOrder]:
        async with self._pool.acquire() as conn:
            await conn.query("START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY")
            try:
                async with conn.cursor(aiomysql.DictCursor) as cursor:
                    await cursor.execute(orders_sql, params)
                    orders = await cursor.fetchall()
                    ids = tuple(int(row["id"]) for row in orders)
                    items: list[dict[str, Any]] = []
                    if ids:
                        await cursor.execute(
                            f"SELECT {ITEM_COLUMNS} FROM order_items "  # noqa: S608  # nosec B608
                            f"WHERE order_id IN ({_placeholders(len(ids))}) "
                            "ORDER BY order_id, id",
                            ids,
                        )
                        items = list(await cursor.fetchall())
            finally:
                await conn.rollback()
        return orders_from_rows(orders, items)

    async def _scalar(self, sql: str) -> Any:
        async with self._pool.acquire() as conn, conn.cursor() as cursor:
            await cursor.execute(sql)
            row = await cursor.fetchone()
        return row[0]


def _placeholders(count: int) -> str:
    """`%s, %s, …`: aiomysql does not expand a tuple parameter."""
    return ", ".join(["%s"] * count)

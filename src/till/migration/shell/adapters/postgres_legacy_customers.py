"""The customer map in PostgreSQL (`legacy_customers`, migration 0021):
`LegacyCustomerMap`. Rule-mapped ids (`lgc_N`, no customer) never touch the
table; a till customer is given a legacy id from the `legacy_customer_ids`
sequence on first use, race-free: the insert does nothing when another
process got there first, and the row it wrote is read back."""

from collections.abc import Sequence

from sqlalchemy import text

from till.kernel.errors import Conflict
from till.migration.core.legacy_customers import (
    customer_id_for_unmapped,
    legacy_customer_in_id,
)
from till.platform.database import Database

_FIND = text(
    "SELECT legacy_customer_id FROM legacy_customers WHERE customer_id = :customer"
)
_ALLOCATE = text(
    "INSERT INTO legacy_customers (customer_id, legacy_customer_id) "
    "VALUES (:customer, nextval('legacy_customer_ids')) "
    "ON CONFLICT (customer_id) DO NOTHING RETURNING legacy_customer_id"
)
_LINK = text(
    "INSERT INTO legacy_customers (customer_id, legacy_customer_id) "
    "VALUES (:customer, :legacy) ON CONFLICT DO NOTHING"
)
_MATCHING = text(
    "SELECT customer_id, legacy_customer_id FROM legacy_customers "
    "WHERE customer_id = :customer OR legacy_customer_id = :legacy"
)
_BY_LEGACY = text(
    "SELECT customer_id, legacy_customer_id FROM legacy_customers "
    "WHERE legacy_customer_id = ANY(:ids)"
)


class PostgresLegacyCustomers:
    def __init__(self, database: Database) -> None:
        self._database = database

    async def find_legacy_customer(self, customer_id: str | None) -> int | None:
        by_rule = legacy_customer_in_id(customer_id)
        if by_rule is not None:
            return by_rule
        async with self._database.read() as conn:
            found = (await conn.execute(_FIND, {"customer": customer_id})).scalar()
        return None if found is None else int(found)

    async def legacy_customer_for(self, customer_id: str | None) -> int:
        found = await self.find_legacy_customer(customer_id)
        if found is not None:
            return found
        async with self._database.read() as conn:
            params = {"customer": customer_id}
            allocated = (await conn.execute(_ALLOCATE, params)).scalar()
            if allocated is None:  # another process allocated it meanwhile
                allocated = (await conn.execute(_FIND, params)).scalar_one()
        return int(allocated)

    async def customers_for_legacy(
        self, legacy_ids: Sequence[int]
    ) -> dict[int, str | None]:
        wanted = sorted(set(legacy_ids))
        async with self._database.read() as conn:
            rows = (await conn.execute(_BY_LEGACY, {"ids": wanted})).all()
        mapped = {int(row.legacy_customer_id): str(row.customer_id) for row in rows}
        return {n: mapped.get(n, customer_id_for_unmapped(n)) for n in wanted}

    async def link(self, customer_id: str, legacy_customer_id: int) -> None:
        params = {"customer": customer_id, "legacy": legacy_customer_id}
        async with self._database.transaction() as conn:
            await conn.execute(_LINK, params)
            rows = (await conn.execute(_MATCHING, params)).all()
        pairs = {(str(r.customer_id), int(r.legacy_customer_id)) for r in rows}
        if pairs != {(customer_id, legacy_customer_id)}:
            raise Conflict(
                f"{customer_id} or legacy customer {legacy_customer_id} is "
                "already mapped otherwise",
                param="customer_id",
            )

"""The customer map in PostgreSQL: allocation from 1,000,000,000, once per
customer even under concurrent first uses; the `lgc_N` rule; operator links."""

import asyncio

import pytest

from till.kernel.errors import Conflict
from till.kernel.ids import new_id
from till.migration.shell.adapters.postgres_legacy_customers import (
    PostgresLegacyCustomers,
)
from till.platform.database import Database


async def test_customers_get_one_legacy_id_each_and_read_back(
    database_url: str,
) -> None:
    database = Database(database_url, pool_size=5)
    customers = PostgresLegacyCustomers(database)
    try:
        alice, bob, carol = new_id("usr"), new_id("usr"), new_id("usr")
        assert await customers.find_legacy_customer(alice) is None
        first_uses = await asyncio.gather(
            *(customers.legacy_customer_for(alice) for _ in range(5))
        )
        assert len(set(first_uses)) == 1
        alices = first_uses[0]
        assert alices >= 1_000_000_000
        assert await customers.legacy_customer_for(alice) == alices
        assert await customers.find_legacy_customer(alice) == alices
        assert await customers.legacy_customer_for(bob) != alices

        assert await customers.legacy_customer_for("lgc_42") == 42  # no row
        assert await customers.legacy_customer_for(None) == 0
        await customers.link(carol, 77)
        await customers.link(carol, 77)  # idempotent
        with pytest.raises(Conflict):
            await customers.link(carol, 78)
        with pytest.raises(Conflict):
            await customers.link(new_id("usr"), 77)
        assert await customers.customers_for_legacy([42, alices, 0, 77]) == {
            0: None,
            42: "lgc_42",
            77: carol,
            alices: alice,
        }
    finally:
        await database.close()

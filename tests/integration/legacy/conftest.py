"""Fixtures of the legacy stand-in's tests: one fresh MariaDB database and one
`php -S` for the whole run, stopped and dropped at the end; and the
migration's adapters over them (the MariaDB store, the HTTP client)."""

from collections.abc import AsyncIterator, Iterator

import pytest

from tests.integration.legacy.server import LegacyDatabase, LegacyServer
from till.migration.shell.adapters.mariadb_legacy_orders import MariaDbLegacyOrders


@pytest.fixture(scope="session")
def legacy_database() -> Iterator[LegacyDatabase]:
    database = LegacyDatabase().create()
    yield database
    database.drop()


@pytest.fixture(scope="session")
def legacy_app(legacy_database: LegacyDatabase) -> Iterator[LegacyServer]:
    server = LegacyServer.start(legacy_database)
    yield server
    server.stop()


@pytest.fixture
async def legacy_store(
    legacy_database: LegacyDatabase,
) -> AsyncIterator[MariaDbLegacyOrders]:
    store = await MariaDbLegacyOrders.connect(legacy_database.url, pool_size=2)
    yield store
    await store.close()

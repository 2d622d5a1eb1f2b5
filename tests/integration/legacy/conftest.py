"""Fixtures of the legacy stand-in's tests: one fresh MariaDB database and one
`php -S` for the whole run, stopped and dropped at the end."""

from collections.abc import Iterator

import pytest

from tests.integration.legacy.server import LegacyDatabase, LegacyServer


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

"""The fan-out reads endpoint subscriptions for every event: they are kept for
a short while and dropped at once by this process's own changes."""

from contextlib import asynccontextmanager
from datetime import UTC, datetime
from types import SimpleNamespace

from till.payments.core.webhook_endpoints import WebhookEndpoint
from till.payments.shell.adapters.postgres_webhook_endpoints import (
    SqlaWebhookEndpoints,
)
from till.platform.data_keys import DataKeyring, new_key_setting

SECRET = "whsec_" + "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"  # pragma: allowlist secret


class CountingDatabase:
    def __init__(self) -> None:
        self.statements = 0
        self.rows = [SimpleNamespace(id="we_1", events=["*"])]

    @asynccontextmanager
    async def read(self):
        database = self

        class Result(list):
            rowcount = 1

        class Conn:
            async def execute(self, statement, params=None):
                database.statements += 1
                return Result(database.rows)

        yield Conn()


def _store(ttl: float) -> tuple[SqlaWebhookEndpoints, CountingDatabase]:
    database = CountingDatabase()
    keys = DataKeyring.from_setting(new_key_setting("k1"))
    return SqlaWebhookEndpoints(database, keys, ttl), database  # type: ignore[arg-type]


async def test_subscriptions_are_read_once_within_the_ttl():
    store, database = _store(60.0)
    first = await store.subscriptions()
    again = await store.subscriptions()
    assert first == again == [("we_1", ("*",))]
    assert database.statements == 1


async def test_a_zero_ttl_reads_every_time():
    store, database = _store(0.0)
    await store.subscriptions()
    await store.subscriptions()
    assert database.statements == 2


async def test_this_processs_changes_drop_the_copy():
    store, database = _store(60.0)
    await store.subscriptions()
    endpoint = WebhookEndpoint(
        "we_2", "https://93.184.216.34/h", ("*",), datetime.now(UTC), SECRET
    )
    await store.save(endpoint)
    await store.subscriptions()
    await store.delete("we_2")
    await store.subscriptions()
    assert database.statements == 5  # read, save, read, delete, read

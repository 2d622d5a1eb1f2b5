"""ReplicaDatabase without a server: reads on the replica while it answers;
while it cannot be reached, on the primary (and no new attempt for a few
seconds); transactions always on the primary."""

from contextlib import asynccontextmanager

import pytest
from prometheus_client import REGISTRY

from till.platform.read_replica import RETRY_AFTER_SECONDS, ReplicaDatabase


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


class Connection:
    def __init__(self) -> None:
        self.closed = False

    async def start(self) -> "Connection":
        return self

    async def close(self) -> None:
        self.closed = True


class Down:
    async def start(self) -> Connection:
        raise ConnectionRefusedError("replica down")


class ReplicaEngine:
    """Stands for the replica engine's autocommit view."""

    def __init__(self) -> None:
        self.up = True
        self.attempts = 0
        self.handed: list[Connection] = []

    def connect(self):  # type: ignore[no-untyped-def]
        self.attempts += 1
        if not self.up:
            return Down()
        self.handed.append(Connection())
        return self.handed[-1]


class Primary:
    @asynccontextmanager
    async def read(self):  # type: ignore[no-untyped-def]
        yield "primary read"

    @asynccontextmanager
    async def transaction(self):  # type: ignore[no-untyped-def]
        yield "primary transaction"


@pytest.fixture
def replica():
    database = ReplicaDatabase(
        "postgresql+asyncpg://till@127.0.0.1:1/till",
        Primary(),  # type: ignore[arg-type]
        clock=Clock(),
    )
    database._autocommit = ReplicaEngine()  # type: ignore[assignment]
    return database


def _fallbacks() -> float:
    return REGISTRY.get_sample_value("till_db_replica_fallbacks_total") or 0.0


async def test_reads_use_the_replica_and_give_the_connection_back(replica):
    async with replica.read() as conn:
        assert conn is replica._autocommit.handed[0]
    assert conn.closed


async def test_an_unreachable_replica_sends_reads_to_the_primary_for_a_while(replica):
    engine, before = replica._autocommit, _fallbacks()
    engine.up = False
    for _ in range(3):
        async with replica.read() as conn:
            assert conn == "primary read"
    assert engine.attempts == 1  # not tried again at once
    assert _fallbacks() == before + 3
    engine.up = True
    replica._clock.now += RETRY_AFTER_SECONDS
    async with replica.read() as conn:
        assert conn is engine.handed[0]


async def test_transactions_always_use_the_primary(replica):
    async with replica.transaction() as conn:
        assert conn == "primary transaction"
    assert replica._autocommit.attempts == 0

"""The fan-out's protocol without a Redis server: what it publishes, how long
the writer waits for acknowledgements, and what a listener does with a message
(the real pub/sub path is covered by the integration test of two processes)."""

import asyncio
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime

from redis.exceptions import ConnectionError as RedisConnectionError

from till.migration.core.flags import FeatureFlag, flag_to_dict
from till.migration.shell.adapters.redis_flag_fanout import RedisFlagFanout

FLAG = FeatureFlag(
    "orders.create", False, 50, frozenset(), datetime(2026, 3, 1, tzinfo=UTC), "usr_a"
)


@dataclass
class FakePipeline:
    redis: "FakeRedis"

    async def __aenter__(self) -> "FakePipeline":
        return self

    async def __aexit__(self, *exc: object) -> None:
        return None

    def lpush(self, key: str, value: bytes) -> None:
        self.redis.acks.append(key)

    def expire(self, key: str, seconds: int) -> None:
        return None

    async def execute(self) -> list[object]:
        return []


@dataclass
class FakeRedis:
    receivers: int = 1
    acks_ready: int = 0
    down: bool = False
    published: list[tuple[str, str]] = field(default_factory=list)
    acks: list[str] = field(default_factory=list)
    waits: int = 0

    async def publish(self, channel: str, data: str) -> int:
        if self.down:
            raise RedisConnectionError("gone")
        self.published.append((channel, data))
        return self.receivers

    async def blpop(
        self,
        keys: list[str],
        timeout: float,  # noqa: ASYNC109 (redis-py's signature)
    ) -> tuple[str, bytes] | None:
        self.waits += 1
        if self.acks_ready:
            self.acks_ready -= 1
            return keys[0], b"1"
        return None

    def pipeline(self, transaction: bool) -> FakePipeline:
        return FakePipeline(self)


@dataclass
class Copy:
    applied: list[FeatureFlag] = field(default_factory=list)
    expired: int = 0

    def apply(self, flag: FeatureFlag) -> None:
        self.applied.append(flag)

    def expire(self) -> None:
        self.expired += 1


def fanout(redis: FakeRedis, copy: Copy | None = None) -> RedisFlagFanout:
    return RedisFlagFanout(redis, "till:t:", copy or Copy())  # type: ignore[arg-type]


async def test_a_change_is_published_with_the_flag_and_waits_for_each_ack():
    redis = FakeRedis(receivers=3, acks_ready=3)
    await fanout(redis).announce(FLAG)
    channel, data = redis.published[0]
    assert channel == "till:t:flag-changes"
    assert json.loads(data)["flag"] == flag_to_dict(FLAG)
    assert redis.waits == 3  # not in sync itself: all three are others


async def test_the_writer_stops_waiting_at_the_first_missing_ack():
    redis = FakeRedis(receivers=3, acks_ready=1)
    await fanout(redis).announce(FLAG)
    assert redis.waits == 2


async def test_a_change_not_announced_for_redis_being_down_is_no_error():
    redis = FakeRedis(down=True)
    await fanout(redis).announce(FLAG)
    assert redis.published == [] and redis.waits == 0


async def test_a_listener_applies_another_processes_change_and_acks_it():
    redis, copy = FakeRedis(), Copy()
    listener = fanout(redis, copy)
    message = {"origin": "elsewhere", "id": "m1", "flag": flag_to_dict(FLAG)}
    listener._heard(json.dumps(message).encode())
    await asyncio.sleep(0)
    assert copy.applied == [FLAG]
    assert redis.acks == ["till:t:flag-acks:m1"]


async def test_a_process_ignores_its_own_announcements():
    redis, copy = FakeRedis(), Copy()
    listener = fanout(redis, copy)
    message = {"origin": listener.origin, "id": "m1", "flag": flag_to_dict(FLAG)}
    listener._heard(json.dumps(message).encode())
    assert copy.applied == [] and redis.acks == []


async def test_resubscribing_expires_the_copy():
    copy = Copy()
    await fanout(FakeRedis(), copy)._resync()
    assert copy.expired == 1

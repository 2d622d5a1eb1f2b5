"""Flag changes told to every process over Redis pub/sub, with the flag in
the message, so each applies it on receipt (no reload): turning a flag off
routes back in every process within the message's delivery, not the TTL.

The writer waits (briefly) until each other listening process has acknowledged,
so when the admin API answers, every process in sync already routes by the new
flag. A process out of sync (Redis unreachable, resubscribing) reloads on
resubscription and meanwhile relies on its TTL; Redis being gone costs
immediacy, never correctness (ADR 0015)."""

import asyncio
import json
import os
import secrets
from typing import Protocol

import structlog
from redis.asyncio import Redis
from redis.exceptions import RedisError

from till.migration.core.flags import FeatureFlag, flag_from_dict, flag_to_dict
from till.platform.redis_fanout import RedisFanout

log = structlog.get_logger("till.flags")
ACK_SECONDS = 0.2  # how long the writer waits for each other process's ack


class FlagCopy(Protocol):
    def apply(self, flag: FeatureFlag) -> None: ...

    def expire(self) -> None: ...


class RedisFlagFanout:
    """FlagAnnouncer over Redis; also the listener that applies changes."""

    def __init__(self, redis: Redis, prefix: str, copy: FlagCopy) -> None:
        self.redis = redis
        self.copy = copy
        self.ack_prefix = prefix + "flag-acks:"
        self.origin = f"{os.getpid()}-{secrets.token_hex(4)}"
        self.fanout = RedisFanout(
            redis, prefix + "flag-changes", self._heard, self._resync
        )
        self._acks: set[asyncio.Task[None]] = set()

    async def start(self) -> None:
        await self.fanout.start()

    async def stop(self) -> None:
        await self.fanout.stop()

    async def announce(self, flag: FeatureFlag) -> None:
        message_id = secrets.token_hex(8)
        message = {"origin": self.origin, "id": message_id, "flag": flag_to_dict(flag)}
        try:
            receivers = int(
                await self.redis.publish(self.fanout.channel, json.dumps(message))
            )
            others = receivers - (1 if self.fanout.in_sync else 0)
            await self._await_acks(message_id, others)
        except RedisError as error:  # the others catch up within their TTL
            log.warning("flag_change_not_announced", error_type=type(error).__name__)

    async def _await_acks(self, message_id: str, others: int) -> None:
        key = self.ack_prefix + message_id
        for _ in range(max(others, 0)):
            if await self.redis.blpop([key], timeout=ACK_SECONDS) is None:
                log.warning("flag_change_unacknowledged", missing=others)
                return

    def _heard(self, data: bytes) -> None:
        message = json.loads(data)
        if message["origin"] == self.origin:
            return  # applied before it was announced
        self.copy.apply(flag_from_dict(message["flag"]))
        task = asyncio.get_running_loop().create_task(self._ack(message["id"]))
        self._acks.add(task)
        task.add_done_callback(self._acks.discard)

    async def _ack(self, message_id: str) -> None:
        key = self.ack_prefix + message_id
        try:
            async with self.redis.pipeline(transaction=False) as pipe:
                pipe.lpush(key, b"1")
                pipe.expire(key, 10)
                await pipe.execute()
        except RedisError:
            log.warning("flag_change_ack_failed")

    async def _resync(self) -> None:
        self.copy.expire()  # changes may have been missed while out of sync

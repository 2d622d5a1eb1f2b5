"""Session revocation marks, checked on every authenticated request without a
network round trip.

Each API process keeps the set of sessions revoked in the last access-token
lifetime in memory. Revocations reach every process through Redis pub/sub; a
process that (re)subscribes first reloads the set from PostgreSQL, so nothing
committed before the subscription is missed and nothing after it is missed
either (marks are published after the commit). While the subscription is down,
checks fall back to a Redis key per revoked session, and to PostgreSQL when
Redis itself is unreachable: slower, still correct.
"""

import asyncio
import contextlib
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable

import structlog
from redis.asyncio import Redis
from redis.asyncio.client import PubSub
from redis.exceptions import RedisError

log = structlog.get_logger("till.identity.revocations")
RESUBSCRIBE_DELAY_SECONDS = 1.0
POLL_SECONDS = 1.0
CONFIRM_SECONDS = 5.0
STALE_SECONDS = 3.0


class RedisSessionRevocations:
    def __init__(
        self,
        redis: Redis,
        prefix: str,
        ttl_seconds: int,
        is_revoked_in_database: Callable[[str], Awaitable[bool]],
        recently_revoked: Callable[[int], Awaitable[list[str]]],
    ) -> None:
        self._redis = redis
        self._keys = prefix + "revoked:"
        self._channel = prefix + "revocations"
        self._ttl = ttl_seconds
        self._in_database = is_revoked_in_database
        self._recently_revoked = recently_revoked
        # session id -> when the mark expires; the TTL is constant, so insertion
        # order is expiry order and expired marks are popped from the front.
        self._local: OrderedDict[str, float] = OrderedDict()
        self._in_sync = False
        self._stopping = False
        self._synced = asyncio.Event()
        self._listener: asyncio.Task[None] | None = None

    @property
    def in_sync(self) -> bool:
        return self._in_sync

    async def start(self, wait_seconds: float = 2.0) -> None:
        """Subscribe in the background; wait (a little) for the first sync so the
        process serves its first requests without a round trip per check."""
        self._listener = asyncio.create_task(self._listen())
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._synced.wait(), wait_seconds)

    async def stop(self) -> None:
        # redis-py's pub/sub can swallow a cancellation while it waits for a
        # message, so the loop also polls this flag (every POLL_SECONDS).
        self._stopping = True
        if self._listener is not None:
            self._listener.cancel()
            await asyncio.wait([self._listener], timeout=POLL_SECONDS + 1)
        self._in_sync = False

    async def is_revoked(self, session_id: str) -> bool:
        expires = self._local.get(session_id)
        if expires is not None and expires > time.time():
            return True
        if self._in_sync:
            return False
        try:
            return bool(await self._redis.exists(self._keys + session_id))
        except RedisError:
            log.warning("revocations_unavailable_checking_database")
            return await self._in_database(session_id)

    async def mark_revoked(self, session_id: str) -> None:
        """Call after the revocation committed: this tells the other processes."""
        self._remember(session_id)
        try:
            async with self._redis.pipeline(transaction=False) as pipe:
                pipe.set(self._keys + session_id, b"1", ex=self._ttl)
                pipe.publish(self._channel, session_id)
                await pipe.execute()
        except RedisError:
            # Refresh stops at once anyway (the database says revoked); other
            # processes may accept the access tokens until they expire.
            log.warning("revocation_not_broadcast", session_id=session_id)

    def _remember(self, session_id: str) -> None:
        now = time.time()
        while self._local and next(iter(self._local.values())) <= now:
            self._local.popitem(last=False)
        self._local.pop(session_id, None)
        self._local[session_id] = now + self._ttl

    async def _listen(self) -> None:
        while not self._stopping:
            try:
                async with self._redis.pubsub() as pubsub:
                    await self._subscribe_and_reload(pubsub)
                    await self._follow(pubsub)
            except asyncio.CancelledError:
                raise
            except Exception as error:  # any failure: fall back, then resubscribe
                log.warning("revocations_out_of_sync", error_type=type(error).__name__)
            self._in_sync = False
            if not self._stopping:
                await asyncio.sleep(RESUBSCRIBE_DELAY_SECONDS)

    async def _subscribe_and_reload(self, pubsub: PubSub) -> None:
        """Reload only once Redis confirmed the subscription: a revocation
        published before that is in the database by the time we read it."""
        await pubsub.subscribe(self._channel)
        deadline = time.monotonic() + CONFIRM_SECONDS
        while True:
            message = await pubsub.get_message(timeout=POLL_SECONDS)
            if message is not None and message["type"] == "subscribe":
                break
            if time.monotonic() > deadline:
                raise TimeoutError("subscription not confirmed")
        for session_id in await self._recently_revoked(self._ttl):
            self._remember(session_id)
        self._in_sync = True
        self._synced.set()

    async def _follow(self, pubsub: PubSub) -> None:
        """Apply marks as they come; ping when quiet, and give up sync (to the
        fallback, then a fresh subscription) when the connection stops answering:
        a half-open connection would otherwise look like a quiet channel."""
        last_heard = time.monotonic()
        while not self._stopping:
            message = await pubsub.get_message(timeout=POLL_SECONDS)
            now = time.monotonic()
            if message is not None:
                last_heard = now
                if message["type"] == "message":
                    self._remember(message["data"].decode())
            elif now - last_heard > STALE_SECONDS:
                raise TimeoutError("pub/sub connection stopped answering")
            elif now - last_heard > POLL_SECONDS:
                await pubsub.ping()

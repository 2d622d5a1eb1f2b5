"""A Redis pub/sub channel followed by a background task, with an honest
`in_sync` flag: true only while the subscription is confirmed and answering.
On every (re)subscription `on_sync` runs first, so whatever was published while
the process was not listening is accounted for (reload, or drop caches)."""

import asyncio
import contextlib
import time
from collections.abc import Awaitable, Callable

import structlog
from redis.asyncio import Redis
from redis.asyncio.client import PubSub

log = structlog.get_logger("till.fanout")
RESUBSCRIBE_DELAY_SECONDS = 1.0
POLL_SECONDS = 1.0
CONFIRM_SECONDS = 5.0
STALE_SECONDS = 3.0


class RedisFanout:
    def __init__(
        self,
        redis: Redis,
        channel: str,
        on_message: Callable[[bytes], None],
        on_sync: Callable[[], Awaitable[None]],
    ) -> None:
        self._redis = redis
        self.channel = channel
        self._on_message = on_message
        self._on_sync = on_sync
        self.in_sync = False
        self._stopping = False
        self._synced = asyncio.Event()
        self._listener: asyncio.Task[None] | None = None

    async def start(self, wait_seconds: float = 2.0) -> None:
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
        self.in_sync = False

    async def _listen(self) -> None:
        while not self._stopping:
            try:
                async with self._redis.pubsub() as pubsub:
                    await self._subscribe(pubsub)
                    await self._follow(pubsub)
            except asyncio.CancelledError:
                raise
            except Exception as error:  # any failure: out of sync, resubscribe
                log.warning(
                    "fanout_out_of_sync",
                    channel=self.channel,
                    error_type=type(error).__name__,
                )
            self.in_sync = False
            if not self._stopping:
                await asyncio.sleep(RESUBSCRIBE_DELAY_SECONDS)

    async def _subscribe(self, pubsub: PubSub) -> None:
        """`on_sync` only once Redis confirmed the subscription: anything
        published before that is covered by it, anything after is delivered."""
        await pubsub.subscribe(self.channel)
        deadline = time.monotonic() + CONFIRM_SECONDS
        while True:
            message = await pubsub.get_message(timeout=POLL_SECONDS)
            if message is not None and message["type"] == "subscribe":
                break
            if time.monotonic() > deadline:
                raise TimeoutError("subscription not confirmed")
        await self._on_sync()
        self.in_sync = True
        self._synced.set()

    async def _follow(self, pubsub: PubSub) -> None:
        """Ping when quiet, and give up sync when the connection stops
        answering: a half-open connection would look like a quiet channel."""
        last_heard = time.monotonic()
        while not self._stopping:
            message = await pubsub.get_message(timeout=POLL_SECONDS)
            now = time.monotonic()
            if message is not None:
                last_heard = now
                if message["type"] == "message":
                    self._on_message(message["data"])
            elif now - last_heard > STALE_SECONDS:
                raise TimeoutError("pub/sub connection stopped answering")
            elif now - last_heard > POLL_SECONDS:
                await pubsub.ping()

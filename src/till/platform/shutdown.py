"""A process's graceful shutdown (TILL_SHUTDOWN_GRACE_SECONDS from SIGTERM
to exit): first /readyz answers 503 while requests are still served
(TILL_SHUTDOWN_DRAIN_SECONDS, so that load balancers stop sending), then the
server stops accepting and lets the requests in flight finish, then the
lifespan stops the background work, each part in the time that is left.

Nothing is lost when a part runs out of time: the outbox rows, webhook
deliveries, unacked messages and scheduler runs it was working on are in
PostgreSQL or RabbitMQ and are taken up again by another process."""

import asyncio
import signal
import time
from collections.abc import Callable, Iterable
from types import FrameType
from typing import Any

# Of the grace period, at most this much is kept for the lifespan's shutdown
# (relay batch, consumers, webhook sends, scheduler runs); requests get the rest.
LIFESPAN_SECONDS = 5.0


class Shutdown:
    """When this process began to stop, and how long it has left."""

    def __init__(
        self, grace_seconds: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.grace_seconds = grace_seconds
        self._clock = clock
        self._deadline: float | None = None

    @property
    def started(self) -> bool:
        return self._deadline is not None

    def begin(self) -> None:
        """Start the countdown (once; later calls keep the first deadline)."""
        if self._deadline is None:
            self._deadline = self._clock() + self.grace_seconds

    def remaining(self) -> float:
        """Seconds left before the process must be gone (the whole grace
        period while no shutdown has begun)."""
        if self._deadline is None:
            return self.grace_seconds
        return max(self._deadline - self._clock(), 0.0)


def request_seconds(grace_seconds: float, drain_seconds: float) -> int:
    """How long the server waits for requests in flight once it stopped
    accepting (uvicorn's timeout_graceful_shutdown, whole seconds): the grace
    period minus the drain and the lifespan's share."""
    left = grace_seconds - drain_seconds
    return max(int(left - min(LIFESPAN_SECONDS, left / 2)), 1)


async def finish(tasks: Iterable[asyncio.Task[Any]], seconds: float) -> int:
    """Let `tasks` run for up to `seconds`, then cancel what is left; how
    many were cancelled."""
    pending = {task for task in tasks if not task.done()}
    if pending and seconds > 0:
        _, pending = await asyncio.wait(pending, timeout=seconds)
    for task in pending:
        task.cancel()
    await asyncio.gather(*pending, return_exceptions=True)
    return len(pending)


Handler = Callable[[int, FrameType | None], Any]


def drain_on_sigterm(shutdown: Shutdown, drain_seconds: float) -> Callable[[], None]:
    """Put a drain in front of the SIGTERM handler the server installed
    (uvicorn's, which stops accepting at once): the first SIGTERM starts the
    shutdown (/readyz 503) and hands over to the server `drain_seconds`
    later; a second one hands over at once. Returns the undo."""
    previous = signal.getsignal(signal.SIGTERM)
    if not callable(previous):
        return lambda: None
    loop = asyncio.get_running_loop()
    server_handler: Handler = previous

    def on_sigterm(signum: int, frame: FrameType | None) -> None:
        first = not shutdown.started
        shutdown.begin()
        if first and drain_seconds > 0:
            loop.call_soon_threadsafe(
                loop.call_later, drain_seconds, server_handler, signum, None
            )
        else:
            server_handler(signum, frame)

    signal.signal(signal.SIGTERM, on_sigterm)

    def undo() -> None:
        signal.signal(signal.SIGTERM, previous)

    return undo

"""The shutdown budget (TILL_SHUTDOWN_GRACE_SECONDS), its split between the
requests in flight and the lifespan, the bounded wait for background tasks,
and the drain put in front of the server's SIGTERM handler."""

import asyncio
import signal

import pytest

from till.platform.shutdown import Shutdown, drain_on_sigterm, finish, request_seconds


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_the_whole_grace_is_left_until_the_shutdown_begins_then_it_counts_down():
    clock = Clock()
    shutdown = Shutdown(25.0, clock)
    clock.now += 60
    assert (shutdown.started, shutdown.remaining()) == (False, 25.0)
    shutdown.begin()
    clock.now += 10
    shutdown.begin()  # a second SIGTERM keeps the first deadline
    assert (shutdown.started, shutdown.remaining()) == (True, 15.0)
    clock.now += 30
    assert shutdown.remaining() == 0.0


@pytest.mark.parametrize(
    ("grace", "drain", "requests"),
    [(25, 0, 20), (25, 5, 15), (10, 1, 4), (2, 0, 1), (3, 2.5, 1)],
)
def test_requests_get_the_grace_less_the_drain_and_the_lifespans_share(
    grace, drain, requests
):
    assert request_seconds(grace, drain) == requests


async def test_finish_waits_for_quick_tasks_and_cancels_the_rest():
    quick = asyncio.create_task(asyncio.sleep(0.001, "done"))
    slow = asyncio.create_task(asyncio.sleep(10))
    assert await finish([quick, slow], 0.02) == 1
    assert quick.result() == "done"
    assert slow.cancelled()


async def test_finish_without_time_cancels_at_once():
    slow = asyncio.create_task(asyncio.sleep(10))
    assert await finish([slow], 0) == 1
    assert slow.cancelled()


class ServerHandler(list[int]):
    """Stands for uvicorn's SIGTERM handler: the signals it heard."""

    def __init__(self) -> None:
        super().__init__()
        self.heard = asyncio.Event()

    def __call__(self, signum: int, frame: object) -> None:
        self.append(signum)
        self.heard.set()


@pytest.fixture
def server_handler():
    """The stand-in installed for the test; the process's own restored."""
    handler = ServerHandler()
    original = signal.signal(signal.SIGTERM, handler)
    yield handler
    signal.signal(signal.SIGTERM, original)


async def test_the_first_sigterm_drains_before_the_server_hears_of_it(server_handler):
    shutdown = Shutdown(10.0)
    servers = signal.getsignal(signal.SIGTERM)
    undo = drain_on_sigterm(shutdown, drain_seconds=0.02)
    loop = asyncio.get_running_loop()
    signalled = loop.time()
    signal.getsignal(signal.SIGTERM)(signal.SIGTERM, None)
    assert shutdown.started  # /readyz answers 503 from now on
    assert server_handler == []  # still accepting
    await asyncio.wait_for(server_handler.heard.wait(), 0.08)
    assert server_handler == [signal.SIGTERM]
    assert loop.time() - signalled >= 0.02
    undo()
    assert signal.getsignal(signal.SIGTERM) is servers


async def test_a_second_sigterm_hands_over_at_once(server_handler):
    shutdown = Shutdown(10.0)
    drain_on_sigterm(shutdown, drain_seconds=30)
    handler = signal.getsignal(signal.SIGTERM)
    handler(signal.SIGTERM, None)
    handler(signal.SIGTERM, None)
    assert server_handler == [signal.SIGTERM]


async def test_without_a_drain_the_server_hears_at_once(server_handler):
    shutdown = Shutdown(10.0)
    drain_on_sigterm(shutdown, drain_seconds=0)
    signal.getsignal(signal.SIGTERM)(signal.SIGTERM, None)
    assert (shutdown.started, server_handler) == (True, [signal.SIGTERM])

"""The outbox relay stops after the batch in hand: stopped mid-publish, it
finishes publishing and marks the rows (rather than rolling them back to be
published a second time); stopped while idle, it returns at once."""

import asyncio
from contextlib import asynccontextmanager
from types import SimpleNamespace

from till.platform.outbox_relay import OutboxRelay


class Outbox:
    """Stands for the database: the claim returns the pending rows, the mark
    records their sequence numbers."""

    def __init__(self, count: int) -> None:
        self.pending = [
            SimpleNamespace(
                seq=n,
                event_id=f"evt_{n}",
                type="payment.created",
                payload="{}",
                trace_context=None,
            )
            for n in range(1, count + 1)
        ]
        self.marked: list[int] = []

    @asynccontextmanager
    async def transaction(self):  # type: ignore[no-untyped-def]
        yield self

    async def execute(self, statement, params):  # type: ignore[no-untyped-def]
        if "seqs" in params:
            self.marked += params["seqs"]
            self.pending = [r for r in self.pending if r.seq not in params["seqs"]]
            return None
        return SimpleNamespace(all=lambda: self.pending[: params["batch"]])


class HeldPublisher:
    system = "test"

    def __init__(self) -> None:
        self.started = asyncio.Event()
        self.release = asyncio.Event()
        self.published: list[str] = []

    async def publish(self, events) -> None:  # type: ignore[no-untyped-def]
        self.started.set()
        await self.release.wait()
        self.published += [e.event_id for e in events]


async def test_stopped_mid_batch_the_relay_publishes_and_marks_it_then_returns():
    outbox, publisher = Outbox(3), HeldPublisher()
    relay = OutboxRelay(outbox, publisher, batch=2)  # type: ignore[arg-type]
    running = asyncio.create_task(relay.run())
    await asyncio.wait_for(publisher.started.wait(), 0.5)  # fails, not hangs
    relay.stop()
    publisher.release.set()
    await asyncio.wait_for(running, 0.5)
    assert publisher.published == ["evt_1", "evt_2"]
    assert outbox.marked == [1, 2]  # the third waits for another relay


async def test_stopped_while_idle_the_relay_returns_at_once():
    outbox, publisher = Outbox(0), HeldPublisher()
    relay = OutboxRelay(outbox, publisher, idle_seconds=10)  # type: ignore[arg-type]
    running = asyncio.create_task(relay.run())
    await asyncio.sleep(0)
    relay.stop()
    await asyncio.wait_for(running, 0.05)
    assert outbox.marked == []

"""How many events/s the outbox relay sustains (issue 4): the outbox is filled
with N `payment.completed` rows shaped as the record statement writes them
(migration 0006: event_id, type, stream_id, jsonb payload, created_at), then
till's own `OutboxRelay` drains it, batch after batch (`relay_once` in a loop,
which is what `run()` does while a backlog remains), and the drain rate is
N / elapsed. Publishers:

    rabbitmq      RabbitPublisher (persistent, publisher confirms) to a bench
                  exchange with one quorum queue bound to "#", so every event
                  is routed and stored as with a real consumer; the queue depth
                  is checked to equal N afterwards;
    bus           the in-process bus with no subscriber: the relay's own cost
                  (claim, mark, commit);
    bus-webhooks  the embedded default's wiring: the bus hands each event to
                  the webhook fan-out (one endpoint subscribed), inside the
                  relay's transaction.

The relay runs in this process, built through till's composition root
(create_app, its relay and consumers off), so the database pool, engine
options and fan-out are production's. Run through bench/run_outbox.sh.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time

import asyncpg
import orjson
from payments_cpu import render as render_cpu
from payments_cpu import snapshot, usage
from rabbit_bench import cleanup, declare_sink, queue_depth

from till.app import create_app
from till.payments.core.access import Caller
from till.platform.event_bus import EventPublisher, InProcessBus, RabbitPublisher
from till.platform.outbox_relay import OutboxRelay
from till.platform.settings import AuthSettings, InfraSettings, PaymentSettings

_FILL = """
INSERT INTO outbox (event_id, type, stream_id, payload, created_at)
SELECT 'evt_bench' || lpad(i::text, 22, '0'), 'payment.completed',
       'pay_bench' || lpad(i::text, 22, '0'), $1::jsonb, now()
FROM generate_series(1, $2) AS i
"""
_PAYLOAD = {  # a payment.completed as API.md shows it (about 900 bytes)
    "id": "evt_01JDZ3Q8R5V2X4Y6Z8A0B2C4D6",
    "type": "payment.completed",
    "created_at": "2026-11-26T06:00:00.000000Z",
    "data": {
        "id": "pay_01JDZ3Q8R5V2X4Y6Z8A0B2C4D6", "object": "payment",
        "amount": 1050, "currency": "usd", "status": "completed",
        "customer_id": "usr_01JDZ3Q8R5V2X4Y6Z8A0B2C4D6",
        "payment_method": "pm_01JDZ3Q8R5V2X4Y6Z8A0B2C4D6",
        "capture_method": "automatic", "amount_capturable": 0,
        "amount_received": 1050, "amount_refunded": 0, "description": None,
        "metadata": {"order": "A-10042"}, "refunds": [], "failure": None,
        "risk": {"score": 0, "level": "normal", "reasons": []},
        "gateway": "sandbox", "gateway_reference": "sbx_ch_0123456789abcdef",
        "created_at": "2026-11-26T06:00:00.000000Z",
        "updated_at": "2026-11-26T06:00:00.000000Z",
    },
}  # fmt: skip


async def fill(dsn: str, count: int) -> None:
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute("TRUNCATE outbox, webhook_attempts, webhook_deliveries")
        await conn.execute(_FILL, orjson.dumps(_PAYLOAD).decode(), count)
        await conn.execute("VACUUM ANALYZE outbox")
    finally:
        await conn.close()


async def drain(relay: OutboxRelay) -> tuple[int, float]:
    start, total = time.perf_counter(), 0
    while published := await relay.relay_once():
        total += published
    return total, time.perf_counter() - start


async def measure(args: argparse.Namespace) -> None:
    dsn = os.environ["DATABASE_URL"].replace("+asyncpg", "")
    infra = InfraSettings(
        rabbitmq_url=None, till_outbox_relay=False, till_worker_in_process=False
    )
    payments = PaymentSettings(webhook_allow_private_urls=True)
    app = create_app(infra, AuthSettings(), payments)
    exchange = f"till.bench.outbox.{os.getpid()}"
    sink = exchange + ".sink"
    async with app.router.lifespan_context(app):
        database = app.state.outbox_relay.database
        admin = Caller("user", "usr_bench", admin=True, recent_mfa=True)
        await app.state.webhook_endpoints.create(
            admin, "http://127.0.0.1:9/hooks", ["payment.completed"], None
        )
        webhooks = app.state.webhook_deliveries
        fanning = InProcessBus()

        async def fan_out(event):  # as app/events.py wires the embedded bus
            await webhooks.fan_out(event.event_id, event.type, event.body)

        fanning.subscribe("*", fan_out)
        rabbit = RabbitPublisher(args.rabbitmq_url, exchange)
        await declare_sink(exchange, sink)
        publishers: dict[str, EventPublisher] = {
            "rabbitmq": rabbit, "bus": InProcessBus(), "bus-webhooks": fanning,
        }  # fmt: skip
        try:
            for mode in args.modes:
                for batch in args.batches:
                    rates = []
                    for _ in range(args.repeats):
                        await fill(dsn, args.events)
                        relay = OutboxRelay(database, publishers[mode], batch=batch)
                        before = snapshot([], args.database)
                        published, elapsed = await drain(relay)
                        cpu = usage(before, snapshot([], args.database))
                        rate = published / elapsed
                        rates.append(rate)
                        check = ""
                        if mode == "rabbitmq":
                            check = f", queue holds {await queue_depth(sink)}"
                            await cleanup(exchange, (sink,))
                            await declare_sink(exchange, sink)
                        print(
                            f"{mode} batch {batch}: {published} events in "
                            f"{elapsed:.2f} s = {rate:.0f}/s{check}\n  "
                            + render_cpu(cpu).replace("client", "relay"),
                            file=sys.stderr, flush=True,
                        )  # fmt: skip
                        record = {
                            "mode": mode, "batch": batch, "events": published,
                            "elapsed_s": round(elapsed, 3), "rate": round(rate),
                            "cpu_pct": cpu,
                        }  # fmt: skip
                        print(orjson.dumps(record).decode(), flush=True)
                    runs = ", ".join(f"{r:.0f}" for r in rates)
                    print(
                        f"== {mode} batch {batch}: median "
                        f"{statistics.median(rates):.0f} events/s (runs {runs})",
                        file=sys.stderr, flush=True,
                    )  # fmt: skip
        finally:
            await rabbit.close()
            await cleanup(exchange, (sink,))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=20_000)
    parser.add_argument("--batches", default="50,200,500,1000")
    parser.add_argument("--modes", default="rabbitmq,bus,bus-webhooks")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--database", required=True)
    parser.add_argument(
        "--rabbitmq-url",
        default=os.environ.get("BENCH_RABBITMQ_URL", "amqp://guest:guest@127.0.0.1/"),
    )
    args = parser.parse_args()
    args.batches = [int(b) for b in args.batches.split(",")]
    args.modes = args.modes.split(",")
    if not 0 < args.events <= 1_000_000:
        sys.exit("--events must be in (0, 1000000]")
    asyncio.run(measure(args))


if __name__ == "__main__":
    main()

"""Issue 6, scale-out: 3 API processes (`till serve`), 2 `till worker` and 2
`till scheduler` share one PostgreSQL, Redis and RabbitMQ. A mixed payment
load goes through every API process (scaleout_load.py), then:

- no payment is charged twice: one payment per Idempotency-Key sent to all
  APIs at once, one processor charge per captured payment and none beside
  them (the sandbox processor's own book, which every process writes, against
  the payments and the ledger), refunds likewise;
- every event the outbox published reached each endpoint subscribed to it,
  exactly once after dedup by `webhook-id` (duplicates before dedup counted),
  signatures valid, including the first attempts the receiver refused;
- only one scheduler acted per job slot: one run per (job, slot) of the
  webhook sender, the janitor and the audit checkpoint (each every second
  here), runs of a job never overlap, no run failed, only the scheduler
  processes ran jobs (and both did);
- caches coherent: every read through a process other than the writer, of a
  state it had cached, saw the write;
- and `till audit verify` still passes over the streams and checkpoints
  written by several processes.

What it does not show (docs/operations/scaling.md): one machine, no network
partitions, no process killed mid-command."""

import asyncio
import os
import time
import uuid

import httpx

from tests.e2e.migration_rig import (
    fresh_database,
    new_admin,
    stepped_up_admin,
    till,
)
from tests.e2e.scaleout_checks import ENDPOINTS, check_all, drained, hit_ratio
from tests.e2e.scaleout_fleet import (
    Fleet,
    remove_broker_objects,
    remove_redis_keys,
    running_fleet,
)
from tests.e2e.scaleout_load import Tally, new_customer, run_load
from tests.e2e.scaleout_receiver import Receipts, webhook_receiver
from till.platform.migrations import upgrade_to_head

REDIS_URL = os.environ.get("TILL_TEST_REDIS", "redis://127.0.0.1:6379/0")
RABBIT = os.environ.get("TILL_TEST_RABBITMQ", "amqp://guest:guest@127.0.0.1:5672/")
COUNTS = {"serve": 3, "worker": 2, "scheduler": 2}
ROLE_ENV = {  # small pools: 7 processes on a PostgreSQL shared with other tests
    "serve": {"TILL_DB_POOL_SIZE": "5"},
    "worker": {"TILL_DB_POOL_SIZE": "3"},
    # Jobs every second rather than every 30 s and every hour, so they have
    # many slots to compete for within the test (as the webhook sender has).
    "scheduler": {
        "TILL_DB_POOL_SIZE": "3",
        "TILL_PAYMENTS_JANITOR_EVERY_SECONDS": "1",
        "TILL_AUDIT_CHECKPOINT_SECONDS": "1",
    },
}
CUSTOMERS = 6
ROUNDS = 3
LOAD_SECONDS = 15.0


def test_three_apis_two_workers_two_schedulers_share_the_work_safely(till_env):
    began = time.monotonic()
    tag = uuid.uuid4().hex[:8]
    exchange, prefix = f"till.events.e2e.{tag}", f"till:e2e:{tag}:"
    with fresh_database() as database_url, webhook_receiver() as (hooks, receipts):
        env = till_env | {
            "DATABASE_URL": database_url,
            "REDIS_URL": REDIS_URL,
            "RABBITMQ_URL": RABBIT,
            "TILL_EVENTS_EXCHANGE": exchange,
            "TILL_REDIS_PREFIX": prefix,
            "TILL_WORKER_IN_PROCESS": "false",
            "TILL_SCHEDULER_IN_PROCESS": "false",
            "WEBHOOK_ALLOW_PRIVATE_URLS": "true",  # the receiver is on 127.0.0.1
            "TILL_AUTH_RATE_LIMIT_PER_MINUTE": "0",
            "TILL_PAYMENTS_RATE_LIMIT_PER_CALLER_PER_MINUTE": "0",
            "TILL_PAYMENTS_RATE_LIMIT_PER_IP_PER_MINUTE": "0",
        }
        upgrade_to_head(database_url)
        try:
            with running_fleet(env, COUNTS, ROLE_ENV) as fleet:
                # While the fleet starts: the admin needs only the database.
                admin = new_admin(env | {"TILL_OUTBOX_RELAY": "false"})
                fleet.wait_ready(90)
                times = {"start_s": time.monotonic() - began}
                tally, hit_ratios = _drive(
                    fleet, database_url, admin, (hooks, receipts), tag, times
                )
                killed = fleet.stop()
                outputs = {p.pid: (p.role, p.output()) for p in fleet.processes}
            try:
                assert killed == [], f"had to be killed: {killed}"
                numbers = check_all(
                    database_url, fleet, tally, receipts, hit_ratios, outputs
                )
            except AssertionError:
                for pid, (role, output) in outputs.items():
                    print(f"--- {role} {pid} ---\n{output[-4000:]}")
                raise
            # The streams three processes appended to and the checkpoints two
            # schedulers took still verify.
            verified = till(["audit", "verify"], env)
            assert verified.returncode == 0, verified.stdout + verified.stderr
        finally:
            remove_broker_objects(RABBIT, exchange)
            remove_redis_keys(REDIS_URL, prefix)
    numbers |= {name: round(seconds, 1) for name, seconds in times.items()}
    numbers["total_s"] = round(time.monotonic() - began, 1)
    print("scale-out:", ", ".join(f"{k}={v}" for k, v in numbers.items()))


def _drive(
    fleet: Fleet,
    database_url: str,
    admin_email: str,
    receiver: tuple[str, Receipts],
    tag: str,
    times: dict[str, float],
) -> tuple[Tally, list[float]]:
    """Setup, load, wait for every webhook (each phase's seconds into
    `times`); the tally and each API process's cache hit ratio."""
    hooks, receipts = receiver
    urls = fleet.api_urls
    clients = [httpx.Client(base_url=url, timeout=30) for url in urls]
    try:
        phase = time.monotonic()
        admin = stepped_up_admin(clients[0], admin_email)
        for n, (name, (events, _)) in enumerate(ENDPOINTS.items()):
            made = clients[1 + n].post(
                "/v1/webhook-endpoints",
                json={"url": f"{hooks}/{name}", "events": events},
                headers=admin,
            )
            assert made.status_code == 201, made.text
            receipts.expect(name, made.json()["secret"])
        registered = time.monotonic()
        customers = [new_customer(clients[i % 3], clients[(i + 1) % 3], tag, i)
                     for i in range(CUSTOMERS)]  # fmt: skip
        # Workers keep the endpoint list up to 1 s (SqlaWebhookEndpoints).
        time.sleep(max(0.0, registered + 1.5 - time.monotonic()))
        times["setup_s"], phase = time.monotonic() - phase, time.monotonic()
        bounds = (LOAD_SECONDS, ROUNDS)
        tally = asyncio.run(run_load(urls, admin, customers, tag, bounds))
        times["load_s"] = time.monotonic() - phase
        times["drain_s"] = drained(database_url, receipts)
        hit_ratios = [hit_ratio(c.get("/metrics").text) for c in clients]
    finally:
        for client in clients:
            client.close()
    return tally, hit_ratios

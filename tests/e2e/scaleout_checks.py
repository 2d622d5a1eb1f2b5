"""The scale-out test's checks, read from the database, the receiver and the
processes' output after the load (see test_scale_out_processes.py)."""

import itertools
import time
from collections import Counter, defaultdict
from datetime import timedelta

from tests.e2e.scaleout_fleet import Fleet
from tests.e2e.scaleout_load import Tally
from tests.e2e.scaleout_receiver import Receipts
from tests.e2e.scaleout_records import (
    LEDGER,
    PAYMENTS,
    SANDBOX_MONEY,
    SCHEDULER_RUNS,
    fetch,
    progress,
)

DRAIN_SECONDS = 30.0
# What each endpoint subscribes to, and the rule the test expects (written
# out here, not till's `subscribed`).
ENDPOINTS = {
    "all": (["*"], lambda kind: True),
    "some": (
        ["payment.completed", "refund.completed"],
        lambda kind: kind in ("payment.completed", "refund.completed"),
    ),
}
# Logged by a process that lost its work for a while: counted in the report.
TROUBLE = (
    "consumer_failed",
    "webhook_first_attempt_failed",
    "outbox_relay_failed",
    "cache_invalidation_unacknowledged",
)


def expected_deliveries(events: dict[str, str]) -> dict[str, set[str]]:
    """Per endpoint, the event ids it is subscribed to."""
    return {
        name: {event for event, kind in events.items() if wanted(kind)}
        for name, (_, wanted) in ENDPOINTS.items()
    }


def drained(database_url: str, receipts: Receipts) -> float:
    """Wait until the outbox is published, no delivery is pending and every
    endpoint got what it subscribed to; then 1 s more for late duplicates."""
    start = time.monotonic()
    while time.monotonic() - start < DRAIN_SECONDS:
        now = progress(database_url)
        expected = expected_deliveries(now.events)
        if (
            now.unpublished == 0
            and now.deliveries.get("pending", 0) == 0
            and all(expected[name] <= receipts.ids(name) for name in ENDPOINTS)
        ):
            break
        time.sleep(0.25)
    drained = time.monotonic() - start
    time.sleep(1.0)
    return drained


def hit_ratio(metrics: str) -> float:
    for line in metrics.splitlines():
        if line.startswith("till_cache_hit_ratio "):
            return float(line.split()[1])
    raise AssertionError("till_cache_hit_ratio not exported")


def check_all(
    database_url: str,
    fleet: Fleet,
    tally: Tally,
    receipts: Receipts,
    hit_ratios: list[float],
    outputs: dict[int, tuple[str, str]],
) -> dict[str, object]:
    ops = tally.ops["write"] + tally.ops["read"]
    numbers: dict[str, object] = {"http_ops": ops, **tally.ops}
    numbers |= {
        "rounds": tally.rounds,
        "confirm_races": tally.confirm_races,
        "refund_races": tally.refund_races,
        "retried_elsewhere": tally.retried_elsewhere,
    }
    numbers |= check_charges(database_url, tally)
    numbers |= check_webhooks(database_url, receipts)
    numbers |= check_scheduler(database_url, fleet, outputs)
    # Every refused first attempt was sent again by a scheduler's sender.
    assert numbers["webhook_sends_by_scheduler"] >= numbers["refused_first"], numbers
    # Caches coherent: no read missed a write made through another process,
    # and the caches were in use (else the reads would prove nothing).
    assert tally.stale == [], tally.stale
    assert all(ratio > 0 for ratio in hit_ratios), hit_ratios
    numbers["cache_hit_ratios"] = "/".join(f"{r:.2f}" for r in hit_ratios)
    trouble = Counter(
        name for _, output in outputs.values() for name in TROUBLE
        for _ in range(output.count(f'"event": "{name}"'))
    )  # fmt: skip
    numbers["warnings"] = dict(trouble) or "none"
    return numbers


def check_charges(database_url: str, tally: Tally) -> dict[str, object]:
    payments = fetch(database_url, PAYMENTS)
    by_key = Counter(p["same_key"] for p in payments if p["same_key"])
    for key, ids in tally.same_key.items():
        assert len(ids) == 1, f"{key} answered with several payments: {ids}"
        assert by_key[key] == 1, f"{key}: {by_key[key]} payments"
    captured = {p["gateway_reference"]: p for p in payments if p["amount_received"]}
    money = fetch(database_url, SANDBOX_MONEY)
    charges = {m["reference"]: m["amount"] for m in money if m["kind"] == "charge"}
    # Every charge the processor made belongs to a captured payment, once,
    # for its amount; and no captured payment lacks its charge.
    assert len(charges) == sum(m["kind"] == "charge" for m in money)
    assert set(charges) == set(captured), set(charges) ^ set(captured)
    for reference, amount in charges.items():
        assert captured[reference]["amount_received"] == amount, reference
    ledger = fetch(database_url, LEDGER)
    captures = Counter(t["source_id"] for t in ledger if t["kind"] == "capture")
    assert captures == Counter(p["id"] for p in captured.values()), captures
    refund_of = {
        t["reference"]: t["source_id"] for t in ledger if t["kind"] == "refund"
    }
    refunds = {m["reference"]: m["amount"] for m in money if m["kind"] == "refund"}
    assert set(refunds) == set(refund_of), set(refunds) ^ set(refund_of)
    refunded: Counter[str] = Counter()
    for reference, amount in refunds.items():
        refunded[refund_of[reference]] += amount
    assert refunded == Counter(
        {p["id"]: p["amount_refunded"] for p in payments if p["amount_refunded"]}
    )
    return {
        "payments": len(payments),
        "same_keys": len(tally.same_key),
        "charges": len(charges),
        "refunds": len(refunds),
    }


def check_webhooks(database_url: str, receipts: Receipts) -> dict[str, object]:
    final = progress(database_url)
    assert final.unpublished == 0, f"{final.unpublished} events never published"
    expected = expected_deliveries(final.events)
    for name in ENDPOINTS:
        got = receipts.ids(name)
        missing = Counter(final.events[e] for e in expected[name] - got)
        assert got == expected[name], (
            f"{name}: missing {sorted(missing.items())}, "
            f"unexpected {len(got - expected[name])}, deliveries {final.deliveries}"
        )
    wanted = sum(len(ids) for ids in expected.values())
    assert final.deliveries == {"succeeded": wanted}, final.deliveries
    assert receipts.counts["bad_signature"] == 0, receipts.counts
    assert receipts.counts["unknown_endpoint"] == 0, receipts.counts
    return {
        "events": len(final.events),
        "deliveries_expected": wanted,
        "requests": receipts.counts["requests"],
        "refused_first": receipts.counts["refused_first_attempts"],
        "accepted": receipts.accepted_total(),
        "duplicates_before_dedup": receipts.duplicates(),
    }


def check_scheduler(
    database_url: str, fleet: Fleet, outputs: dict[int, tuple[str, str]]
) -> dict[str, object]:
    runs = fetch(database_url, SCHEDULER_RUNS)
    schedulers = {p.pid for p in fleet.of("scheduler")}
    by_holder = Counter(int(r["holder"].rsplit(":", 1)[1]) for r in runs)
    # Only the scheduler processes ran jobs, and both took part.
    assert set(by_holder) == schedulers, (by_holder, schedulers)
    per_slot = Counter((r["job"], r["slot"]) for r in runs)
    twice = {slot: n for slot, n in per_slot.items() if n > 1}
    assert twice == {}, f"slots run more than once: {twice}"
    assert [r for r in runs if r["error"] or r["finished_at"] is None] == []
    jobs = defaultdict(list)
    for run in runs:
        jobs[run["job"]].append(run)
    for job, its in jobs.items():  # ordered by start: none before the last ended
        for before, after in itertools.pairwise(its):
            assert before["finished_at"] <= after["started_at"], (job, before, after)
    # The daily jobs first look 60 s after start, after this test; their
    # once-a-day is tested in tests/integration/test_schedulers_on_postgres.py.
    for job in ("webhook_deliveries", "payment_janitor", "audit_checkpoint"):
        assert len(jobs[job]) >= 5 and _spread(jobs[job]) >= timedelta(seconds=5), job
    sends = jobs["webhook_deliveries"]
    # The refused first attempts were retried by the schedulers' sender.
    retried = sum(r["count"] for r in sends)
    for pid, (role, output) in outputs.items():
        for failure in ("scheduler_tick_failed", "scheduled_job_failed", "Traceback"):
            assert failure not in output, f"{role} {pid}: {failure}\n{output[-3000:]}"
    return {
        "scheduler_runs": len(runs),
        "runs_per_scheduler": "/".join(str(n) for n in by_holder.values()),
        "webhook_sends_by_scheduler": retried,
    }


def _spread(runs: list) -> timedelta:
    return max(r["started_at"] for r in runs) - min(r["started_at"] for r in runs)

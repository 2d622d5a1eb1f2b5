"""Fraud benchmark: score a week of labelled synthetic traffic (traffic.py)
with till's rules and its real Redis counters, on a simulated clock, and report
how much fraud is caught and how many legitimate payments are stopped.

    .venv/bin/python bench/fraud/run.py [--seed 7] [--customers 3000]
        [--redis redis://127.0.0.1:6379/0] [--rules '{"review_at": 45}']

Each payment goes through what `POST /v1/payments` with `confirm: true` does
around the processor: `observe` (one script call), `assess`, then the answer
fed back (`settled`). A payment held for review is decided as a reviewer who
knows the label would: legitimate ones approved (and then processed), fraud
rejected. "Caught" = held for review or blocked. The Redis keys live under a
fresh prefix and are deleted at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import time
import uuid
from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path

from redis.asyncio import Redis

sys.path.insert(0, str(Path(__file__).resolve().parent))
from traffic import Traffic, Txn, generate

from till.payments.core.fraud import (
    AllowList,
    Attempt,
    FraudRules,
    Level,
    assess,
)
from till.payments.shell.adapters.redis_fraud_signals import (
    RedisFraudSignals,
)

START = datetime(2026, 11, 2, tzinfo=UTC)


def _attempt(txn: Txn) -> Attempt:
    return Attempt(txn.payment_id, txn.amount, "usd", txn.customer, txn.card, txn.ip)


async def _seed(signals: RedisFraudSignals, traffic: Traffic) -> None:
    for txn in traffic.seed:
        at = START + timedelta(seconds=txn.at)
        await signals.observe(_attempt(txn), at)
        await signals.settled(_attempt(txn), True, txn.amount, at)


async def _score(
    signals: RedisFraudSignals, traffic: Traffic, rules: FraudRules
) -> tuple[list[tuple[Txn, Level, tuple[str, ...]]], list[float]]:
    outcomes, latencies = [], []
    for txn in traffic.week:
        at, attempt = START + timedelta(seconds=txn.at), _attempt(txn)
        began = time.perf_counter()
        risk = assess(attempt, await signals.observe(attempt, at), rules, AllowList())
        latencies.append(time.perf_counter() - began)
        outcomes.append((txn, risk.level, risk.reasons))
        goes_on = risk.level is Level.NORMAL or (
            risk.level is Level.ELEVATED and not txn.fraud  # approved by a reviewer
        )
        if risk.level is not Level.NORMAL:
            await signals.flagged(attempt, at)
        if goes_on:
            await signals.settled(attempt, not txn.declined, txn.amount, at)
    return outcomes, latencies


def _episodes(outcomes: list[tuple[Txn, Level, tuple[str, ...]]]) -> dict[str, dict]:
    """Card-testing bursts are keyed by address, takeovers by account."""
    bursts: dict[tuple[str, str], list[bool]] = defaultdict(list)
    for txn, level, _ in outcomes:
        if txn.scenario in ("card_testing", "account_takeover"):
            key = txn.ip if txn.scenario == "card_testing" else str(txn.customer)
            bursts[(txn.scenario, key)].append(level is not Level.NORMAL)
    found: dict[str, dict] = {}
    for scenario in ("card_testing", "account_takeover"):
        runs = [flags for (s, _), flags in bursts.items() if s == scenario]
        before = [flags.index(True) if any(flags) else len(flags) for flags in runs]
        found[scenario] = {
            "episodes": len(runs),
            "caught": sum(any(flags) for flags in runs),
            "passed_before_first_catch_median": statistics.median(before or [0]),
            "passed_before_first_catch_max": max(before or [0]),
        }
    return found


def report(
    outcomes: list[tuple[Txn, Level, tuple[str, ...]]], latencies: list[float]
) -> dict:
    per: dict[str, Counter[str]] = defaultdict(Counter)
    reasons: dict[str, Counter[str]] = defaultdict(Counter)
    for txn, level, fired in outcomes:
        per[txn.scenario][level.value] += 1
        kind = "fraud" if txn.fraud else "legit"
        reasons[kind].update(fired)
    fraud = [(t, lv) for t, lv, _ in outcomes if t.fraud]
    legit = [(t, lv) for t, lv, _ in outcomes if not t.fraud]
    caught = sum(lv is not Level.NORMAL for _, lv in fraud)
    stopped = sum(lv is not Level.NORMAL for _, lv in legit)
    ordered = sorted(latencies)
    return {
        "payments": len(outcomes),
        "fraud": len(fraud),
        "legit": len(legit),
        "true_positive_rate": caught / len(fraud),
        "false_positive_rate": stopped / len(legit),
        "fraud_amount_caught": sum(t.amount for t, lv in fraud if lv != Level.NORMAL)
        / sum(t.amount for t, _ in fraud),
        "by_scenario": {s: dict(c) for s, c in sorted(per.items())},
        "reasons": {k: dict(c.most_common()) for k, c in reasons.items()},
        "episodes": _episodes(outcomes),
        "score_ms_p50": ordered[len(ordered) // 2] * 1000,
        "score_ms_p95": ordered[int(len(ordered) * 0.95)] * 1000,
    }


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--customers", type=int, default=3000)
    parser.add_argument("--days", type=float, default=7)
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/0")
    parser.add_argument("--rules", default="{}", help="FRAUD_RULES-style overrides")
    args = parser.parse_args()
    traffic = generate(args.seed, args.customers, args.days)
    rules = FraudRules.from_overrides(json.loads(args.rules))
    redis = Redis.from_url(args.redis)
    prefix = f"till:bench:fraud:{uuid.uuid4().hex[:8]}:"
    try:
        signals = RedisFraudSignals(redis, prefix)
        began = time.perf_counter()
        await _seed(signals, traffic)
        outcomes, latencies = await _score(signals, traffic, rules)
        result = report(outcomes, latencies)
        result["seconds"] = round(time.perf_counter() - began, 1)
        result["args"] = vars(args)
        print(json.dumps(result, indent=2))
    finally:
        async for key in redis.scan_iter(match=prefix + "*", count=1000):
            await redis.delete(key)
        await redis.aclose()


if __name__ == "__main__":
    asyncio.run(main())

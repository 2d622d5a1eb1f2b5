"""Where a payment's webhook spent its time, read back from the database after
a run: command (intended send -> event recorded), relay (recorded -> claimed
by the outbox relay: `published_at` is now() of the relay's transaction, i.e.
when it claimed the batch), fan-out (claimed -> delivery row written by the
consumer), sender wait (delivery row -> first attempt started) and HTTP
(attempt started -> arrival at the receiver). All wall clock on one host."""

from __future__ import annotations

import asyncpg
from report import latency_summary_ms

STAGES = ("command", "relay", "fan_out", "sender_wait", "http")
_TIMES = """
SELECT (o.payload->'data'->'metadata'->>'seq')::bigint AS seq,
       extract(epoch FROM o.created_at)::float8 AS recorded,
       extract(epoch FROM o.published_at)::float8 AS claimed,
       extract(epoch FROM d.created_at)::float8 AS fanned_out,
       extract(epoch FROM min(a.attempted_at))::float8 AS attempted
FROM outbox o
JOIN webhook_deliveries d ON d.event_id = o.event_id AND d.endpoint_id = $2
LEFT JOIN webhook_attempts a ON a.delivery_id = d.id
WHERE o.type = 'payment.completed'
  AND o.payload->'data'->'metadata'->>'bench_run' = $1
GROUP BY 1, 2, 3, 4
"""


async def stage_times(
    dsn: str,
    tag: str,
    endpoint_id: str,
    intended_wall: dict[int, float],
    arrived_wall: dict[int, float],
) -> dict[str, dict[str, float]]:
    """Per stage, the latency summary (ms) over the run's payments."""
    conn = await asyncpg.connect(dsn)
    try:
        rows = await conn.fetch(_TIMES, tag, endpoint_id)
    finally:
        await conn.close()
    spans: dict[str, list[float]] = {stage: [] for stage in STAGES}
    for r in rows:
        seq = r["seq"]
        if seq not in intended_wall:
            continue
        points = [
            intended_wall[seq],
            r["recorded"],
            r["claimed"],
            r["fanned_out"],
            r["attempted"],
            arrived_wall.get(seq),
        ]
        for stage, start, end in zip(STAGES, points, points[1:], strict=False):
            if start is not None and end is not None:
                spans[stage].append(max(0.0, end - start))
    return {stage: latency_summary_ms(values) for stage, values in spans.items()}

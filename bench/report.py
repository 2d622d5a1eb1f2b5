"""The result of one open-loop run, as a human block or JSON.

Kept apart from the engine so the figures (and how they are derived) can be read and
checked without reading the networking code.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass

import orjson


def latency_summary_ms(latencies_s: Sequence[float]) -> dict[str, float]:
    """Nearest-rank percentiles in milliseconds; empty input gives NaN, not zero."""
    if not latencies_s:
        return {k: math.nan for k in ("p50", "p95", "p99", "max", "mean")}
    ordered = sorted(latencies_s)
    n = len(ordered)

    def rank(p: float) -> float:
        return round(ordered[max(0, math.ceil(p / 100 * n) - 1)] * 1000, 3)

    return {
        "p50": rank(50),
        "p95": rank(95),
        "p99": rank(99),
        "max": round(ordered[-1] * 1000, 3),
        "mean": round(sum(ordered) / n * 1000, 3),
    }


@dataclass(frozen=True, slots=True)
class RunReport:
    """Figures of one run. Latency is from each request's intended send time.

    `ok` responses are those with an expected status; latency percentiles cover only
    them, so fast rejections (429, 401) cannot flatter the figures. `errors` counts
    the rest by kind: `status_<code>`, `timeout` (in flight too long),
    `timeout_queued` (waited too long for a free connection), `connection_lost`,
    `bad_response`, `unfinished`. `*_send_lag_ms` is how late the client's own
    scheduler ran (included in latency); if it is large, the client rather than the
    server was the bottleneck.
    """

    label: str
    offered_rate: float
    duration_s: float
    scheduled: int
    completed: int
    ok: int
    elapsed_s: float
    connections: int
    errors: dict[str, int]
    connect_failures: int
    latency_ms: dict[str, float]
    mean_send_lag_ms: float
    max_send_lag_ms: float
    client_cpu_pct: float
    server_pid: int | None
    server_rss_mib: dict[str, float] | None

    @property
    def achieved_rate(self) -> float:
        return self.completed / self.elapsed_s if self.elapsed_s > 0 else 0.0

    @property
    def ok_rate(self) -> float:
        return self.ok / self.elapsed_s if self.elapsed_s > 0 else 0.0

    def to_dict(self) -> dict[str, object]:
        data = asdict(self)
        data["achieved_rate"] = round(self.achieved_rate, 1)
        data["ok_rate"] = round(self.ok_rate, 1)
        data["error_count"] = sum(self.errors.values())
        return data

    def to_json(self) -> bytes:
        return orjson.dumps(self.to_dict())

    def render(self) -> str:
        lat, rss = self.latency_ms, self.server_rss_mib
        errors = ", ".join(f"{k}={v}" for k, v in sorted(self.errors.items()))
        lines = [
            f"== {self.label} ==",
            (
                f"offered   {self.offered_rate:8.1f} req/s for {self.duration_s:g} s"
                f" ({self.scheduled} requests, {self.connections} connections)"
            ),
            (
                f"achieved  {self.achieved_rate:8.1f} req/s, ok {self.ok_rate:.1f}/s"
                f" ({self.completed} completed, {self.ok} ok in {self.elapsed_s:.2f} s)"
            ),
            (
                f"errors    {sum(self.errors.values())}  {errors or '-'}"
                f"  (connect failures: {self.connect_failures})"
            ),
            (
                f"latency   p50 {lat['p50']:.2f}  p95 {lat['p95']:.2f}"
                f"  p99 {lat['p99']:.2f}  max {lat['max']:.2f} ms"
                f"  (mean {lat['mean']:.2f})"
            ),
            (
                f"client    cpu {self.client_cpu_pct:.0f}% of one core,"
                f" send lag mean {self.mean_send_lag_ms:.2f}"
                f" max {self.max_send_lag_ms:.2f} ms"
            ),
        ]
        if rss is not None:
            lines.append(
                f"server    pid {self.server_pid} RSS start {rss['start']:.1f}"
                f"  peak {rss['peak']:.1f}  end {rss['end']:.1f} MiB (process tree)"
            )
        return "\n".join(lines)

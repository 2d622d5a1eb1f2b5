"""The table and the till/legacy ratios of a bench/run_orders.sh results file
(JSON lines from bench/orders.py): every run, then medians per target.

"faster" is read two ways, both printed: latency (legacy p95 / till p95 at the
same offered rate) and capacity (till / legacy orders/s, closed loop).
"""

from __future__ import annotations

import statistics
from pathlib import Path
from typing import Any

import orjson


def _median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def _runs(values: list[float], unit: str = "") -> str:
    return ", ".join(f"{x:.1f}{unit}" for x in values)


def _row(r: dict[str, Any]) -> str:
    lat, cpu = r["latency_ms"], r.get("cpu_pct") or {}
    offered = (
        f"closed, {r['connections']} in flight"
        if r["mode"] == "closed"
        else f"{r['offered_rate']:g}/s"
    )
    split = (
        f"{cpu.get('server', 0):.0f} / {cpu.get('postgres', 0):.0f}"
        f" / {cpu.get('mariadb', 0):.0f} / {cpu.get('client', 0):.0f}"
        f" / {cpu.get('other', 0):.0f}"
    )
    return (
        f"| {r['target']} | {offered} | {r['achieved_rate']:.0f}/s"
        f" | {r['ok_rate']:.0f} | {r['error_count']} | {lat['p50']:.1f} ms"
        f" | {lat['p95']:.1f} ms | {lat['p99']:.1f} ms | {lat['max']:.0f} ms"
        f" | {split} |"
    )


def summarize(path: Path) -> str:
    rows = [orjson.loads(line) for line in path.read_bytes().splitlines() if line]
    out = [
        "| target | offered | achieved | ok/s | errors | p50 | p95 | p99 | max "
        "| CPU % server / pg / mariadb / client / other |",
        "|---|---|---|---|---|---|---|---|---|---|",
        *(_row(r) for r in rows),
        "",
    ]

    def pick(target: str, mode: str, key: str) -> list[float]:
        found = [r for r in rows if r["target"] == target and r["mode"] == mode]
        if key == "p95":
            return [r["latency_ms"]["p95"] for r in found]
        return [r[key] for r in found]

    p95 = {t: pick(t, "open", "p95") for t in ("till", "legacy")}
    cap = {t: pick(t, "closed", "ok_rate") for t in ("till", "legacy")}
    for t in ("till", "legacy"):
        if p95[t]:
            out.append(
                f"{t}: open-loop p95 median {_median(p95[t]):.1f} ms"
                f" (runs {_runs(p95[t], ' ms')})"
            )
        if cap[t]:
            out.append(
                f"{t}: closed-loop median {_median(cap[t]):.0f} orders/s"
                f" (runs {_runs(cap[t])})"
            )
    if p95["till"] and p95["legacy"]:
        ratio = _median(p95["legacy"]) / _median(p95["till"])
        out.append(f"p95 legacy / till = {ratio:.2f}")
    if cap["till"] and cap["legacy"]:
        ratio = _median(cap["till"]) / _median(cap["legacy"])
        out.append(f"max orders/s till / legacy = {ratio:.2f}")
    return "\n".join(out)

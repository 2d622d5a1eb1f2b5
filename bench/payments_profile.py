"""Summarise a py-spy folded-stack profile (`py-spy record --format raw`) of
till under create + confirm load.

Only the event-loop thread counts (samples of other threads, e.g. the argon2
pool parked on its queue, are left out and their share printed). Idle samples
are not in a py-spy record unless `--idle` was given, so 100 % is the time the
event loop was busy. Printed: the phases of the create + confirm path
(inclusive: a frame and everything it called), the share per package of the
frame that was running (self), and the functions with the most self samples.

    .venv/bin/python bench/payments_profile.py /tmp/payments.folded [--top 25]
"""

from __future__ import annotations

import argparse
import re
from collections import Counter
from pathlib import Path

_FRAME = re.compile(r"^(?P<func>.*) \((?P<file>[^()]*?)(?::(?P<line>\d+))?\)$")

# (label, substrings: a sample belongs to the phase if any frame contains one)
PHASES: list[tuple[str, tuple[str, ...]]] = [
    ("HTTP request, all of it", ("RequestResponseCycle.run_asgi",)),
    ("  endpoint (create_payment handler)", ("run_endpoint_function",)),
    ("    idempotency key reserve (INSERT)", ("PostgresIdempotencyStore.reserve",)),
    ("    payment method read (SELECT + decrypt)", ("SqlaPaymentMethodVault.",)),
    ("    record x2 (events+payments+outbox)", ("SqlaPaymentTransactions.record",)),
    ("    read-cache invalidation x2 (Redis)", ("TwoLevelCache.invalidate",)),
    ("    sandbox gateway", ("SandboxGateway.",)),
    ("    domain core (till/payments/core)", ("till/payments/core/",)),
    ("  auth: bearer token -> caller", ("current_caller",)),
    ("  FastAPI dependencies + body validation", ("solve_dependencies",)),
    # SQLAlchemy's greenlets cut some stacks short: match any frame of the libs.
    ("SQLAlchemy + asyncpg, anywhere", ("sqlalchemy/", "asyncpg/")),
    ("  of which: opening DB connections", ("AsyncAdapt_dbapi_connection.create",)),
    ("  of which: closing DB connections", ("AsyncConnection.close",)),
    ("  of which: asyncpg execute", ("PreparedStatement.__do_execute",)),
    ("Redis client (redis-py), anywhere", ("redis/",)),
    ("  of which: pub/sub listener (cache fan-out)", ("RedisFanout._listen",)),
    ("JSON logs (structlog/logging)", ("structlog/", "logging/")),
]


def parse(path: Path) -> list[tuple[list[str], int]]:
    stacks = []
    for line in path.read_text().splitlines():
        head, _, count = line.rpartition(" ")
        if not head or not count.isdigit():
            continue
        frames = [
            f for f in head.split(";") if not f.startswith(("process ", "thread "))
        ]
        stacks.append((frames, int(count)))
    return stacks


def function(frame: str) -> str:
    """`func (file)` without the line number, so a function's lines add up."""
    match = _FRAME.match(frame)
    return f"{match['func']} ({match['file']})" if match else frame


def package(frame: str) -> str:
    match = _FRAME.match(frame)
    if not match:
        return frame
    parts = match["file"].split("/")
    if parts[0] == "till" and len(parts) > 2:
        depth = 3 if parts[1] in ("payments", "identity") else 2
        return "/".join(parts[:depth])
    if len(parts) == 1 or parts[0] in ("asyncio", "json", "concurrent", "logging"):
        return f"stdlib {parts[0].removesuffix('.py')}"
    return parts[0]


def _is_worker_thread(frames: list[str]) -> bool:
    return bool(frames) and frames[0].startswith("Thread._bootstrap ")


def summary(stacks: list[tuple[list[str], int]], top: int) -> str:
    everything = sum(count for _, count in stacks) or 1
    main = [(f, c) for f, c in stacks if not _is_worker_thread(f)]
    total = sum(count for _, count in main) or 1
    no_python = sum(count for frames, count in main if not frames)
    own: Counter[str] = Counter()
    own_package: Counter[str] = Counter()
    for frames, count in main:
        if frames:
            own[function(frames[-1])] += count
            own_package[package(frames[-1])] += count

    def pct(n: int) -> str:
        return f"{n / total * 100:5.1f}%"

    lines = [
        f"{everything} samples; event-loop thread {total}"
        f" ({(everything - total) / everything * 100:.1f}% in other threads, left out);"
        f" {pct(no_python).strip()} of these had no Python frame (native code)",
        "",
        "phases (inclusive):",
    ]
    for label, needles in PHASES:
        n = sum(c for f, c in main if any(s in x for x in f for s in needles))
        lines.append(f"  {pct(n)}  {label}")
    lines += ["", "self, by package:"]
    lines += [f"  {pct(n)}  {name}" for name, n in own_package.most_common(top)]
    lines += ["", "self, by function:"]
    lines += [f"  {pct(n)}  {name}" for name, n in own.most_common(top)]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folded", type=Path)
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args()
    print(summary(parse(args.folded), args.top))


if __name__ == "__main__":
    main()

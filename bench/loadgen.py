"""Command-line front of the open-loop load generator (engine: openloop.py).

Scenario scripts (identity.py) import `add_load_arguments`, `measure`, `run` and
`emit`; run this file directly to offer load to a single loopback URL, e.g.

    .venv/bin/python bench/loadgen.py --url http://127.0.0.1:8000/healthz \\
        --rate 1000 --duration 10 --server-pid 1234
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Collection, Coroutine, Sequence
from typing import Any, TypeVar

from openloop import OpenLoop
from rawhttp import Target, encode_request
from report import RunReport

T = TypeVar("T")
# Guards against a typo turning a bench run into an hour-long flood.
MAX_RATE, MAX_DURATION_S = 20_000.0, 600.0


def add_load_arguments(parser: argparse.ArgumentParser) -> None:
    """The knobs every scenario shares, so all scripts read the same way."""
    parser.add_argument("--rate", type=float, default=100.0, help="offered req/s")
    parser.add_argument("--duration", type=float, default=10.0, help="seconds")
    parser.add_argument("--warmup", type=float, default=0.0, help="seconds, unmeasured")
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--timeout", type=float, default=5.0, help="per request, s")
    parser.add_argument("--server-pid", type=int, help="sample this tree's RSS")
    parser.add_argument("--cpu", type=int, help="pin the load generator to this CPU")
    parser.add_argument("--json", action="store_true", help="JSON lines on stdout")


def check_bounds(args: argparse.Namespace) -> None:
    if not 0 < args.rate <= MAX_RATE or not 0 < args.duration <= MAX_DURATION_S:
        sys.exit(
            f"rate must be in (0, {MAX_RATE}] and duration in (0, {MAX_DURATION_S}]"
        )
    if args.cpu is not None:
        os.sched_setaffinity(0, {args.cpu})


async def measure(
    target: Target,
    requests: Sequence[bytes],
    expected: Collection[int],
    args: argparse.Namespace,
    label: str,
) -> RunReport:
    """An optional unmeasured warm-up at the same rate, then the measured run."""
    common: dict[str, Any] = {
        "rate": args.rate,
        "connections": args.connections,
        "timeout": args.timeout,
    }
    if args.warmup > 0:
        warm = OpenLoop(target, requests, expected, duration=args.warmup, **common)
        await warm.run()
    run_ = OpenLoop(
        target,
        requests,
        expected,
        duration=args.duration,
        server_pid=args.server_pid,
        label=label,
        **common,
    )
    return await run_.run()


def run(main: Coroutine[Any, Any, T]) -> T:
    """Run on uvloop when installed: its transports cost about half of asyncio's."""
    try:
        import uvloop
    except ImportError:
        return asyncio.run(main)
    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        return runner.run(main)


def emit(report: RunReport, as_json: bool) -> None:
    """Human block on stdout; with --json it goes to stderr and JSON to stdout."""
    print(report.render(), file=sys.stderr if as_json else sys.stdout, flush=True)
    if as_json:
        sys.stdout.buffer.write(report.to_json() + b"\n")
        sys.stdout.flush()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", required=True, help="http://127.0.0.1:PORT/path")
    parser.add_argument("--method", default="GET")
    parser.add_argument("-H", "--header", action="append", default=[], help="K: V")
    parser.add_argument("--data", default="", help="request body")
    parser.add_argument("--expect", type=int, action="append", help="ok status(es)")
    add_load_arguments(parser)
    args = parser.parse_args()
    check_bounds(args)
    try:
        target = Target.from_url(args.url)
    except ValueError as exc:
        sys.exit(str(exc))
    path = args.url.split(target.host_header, 1)[1] or "/"
    headers = dict(h.split(":", 1) for h in args.header)
    request = encode_request(
        Target(target.host, target.port, ""),
        args.method.upper(),
        path,
        {k.strip(): v.strip() for k, v in headers.items()},
        args.data.encode(),
    )
    try:
        report = run(measure(target, [request], args.expect or [200], args, args.url))
    except ConnectionError as exc:
        sys.exit(str(exc))
    emit(report, args.json)


if __name__ == "__main__":
    main()

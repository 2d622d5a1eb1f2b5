"""Payments load scenarios: create + confirm (`POST /v1/payments`) and read
(`GET /v1/payments/{id}`), against till or against the bare reference app.

State is prepared through the public API, as a client would: N users are
registered and logged in (bench/identity.py), each gets a card
(4242 4242 4242 4242, 12/2031) through `POST /v1/payment-methods`, and one
create + confirm is checked to answer `completed`. For `get`, `--payments`
payments are created first and the load reads them round-robin, each with its
owner's token.

Every create carries a fresh `Idempotency-Key` (run id + sequence number, built
as the request is sent: a few µs), so nothing is a replay; the warm-up uses its
own keys. Scenarios:

    create          open loop at --rate (or each of --steps r1,r2,... in turn)
    create-closed   closed loop: --concurrency requests always in flight
    get             open loop at --rate over --payments payments

`--target reference` aims the same create requests (same headers, body and
size, dummy token) at bench/reference_app.py: no setup, no auth.

    .venv/bin/python bench/payments.py --base-url http://127.0.0.1:8765 \\
        --scenario create --rate 500 --duration 15 --server-pid PID
"""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import statistics
import sys
import time
from asyncio.subprocess import Process
from collections.abc import Awaitable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, overload
from urllib.parse import urlsplit

import httpx
import orjson
from identity import BenchUser, prepare_users
from loadgen import MAX_RATE, add_load_arguments, check_bounds, run
from openloop import OpenLoop
from payments_closedloop import ClosedLoop, render_closed
from payments_cpu import render as render_cpu
from payments_cpu import snapshot, usage
from rawhttp import Target, encode_request
from report import RunReport

_JSON = {"Content-Type": "application/json"}
_CARD = {"number": "4242424242424242", "exp_month": 12, "exp_year": 2031, "cvc": "123"}
_KEY_MARK = "\x00KEY\x00"
_SETUP_CONCURRENCY = 8


@dataclass(frozen=True, slots=True)
class Payer:
    user: BenchUser
    payment_method: str


def create_body(payment_method: str) -> bytes:
    return orjson.dumps(
        {
            "amount": 1050,
            "currency": "usd",
            "payment_method": payment_method,
            "confirm": True,
        }
    )


class FreshKeyRequests(Sequence[bytes]):
    """Create requests with a distinct Idempotency-Key each, made on demand.

    Pre-encoding 30,000 requests would also do; building them as they are sent
    (two concatenations) keeps memory flat and the key space unbounded. The
    load generators index `requests[seq % len(requests)]`, so the length is
    simply larger than any run.
    """

    def __init__(self, templates: list[tuple[bytes, bytes]], prefix: str) -> None:
        self.templates = templates
        self.prefix = prefix

    def __len__(self) -> int:
        return 10**12

    @overload
    def __getitem__(self, index: int) -> bytes: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[bytes]: ...
    def __getitem__(self, index: int | slice) -> bytes | Sequence[bytes]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        head, tail = self.templates[index % len(self.templates)]
        return head + f"{self.prefix}-{index:012d}".encode() + tail

    def __iter__(self) -> Iterator[bytes]:
        raise TypeError("unbounded: index it")


def create_templates(
    target: Target, tokens_and_methods: list[tuple[str, str]]
) -> list[tuple[bytes, bytes]]:
    """One request per payer, split where the Idempotency-Key goes."""
    templates = []
    for token, method in tokens_and_methods:
        encoded = encode_request(
            target,
            "POST",
            "/v1/payments",
            {
                "Authorization": f"Bearer {token}",
                **_JSON,
                "Idempotency-Key": _KEY_MARK,
            },
            create_body(method),
        )
        head, tail = encoded.split(_KEY_MARK.encode("latin-1"))
        templates.append((head, tail))
    return templates


async def _post(
    client: httpx.AsyncClient,
    path: str,
    body: dict[str, Any],
    token: str,
    key: str | None = None,
) -> dict[str, Any]:
    headers = {**_JSON, "Authorization": f"Bearer {token}"}
    if key is not None:
        headers["Idempotency-Key"] = key
    response = await client.post(path, content=orjson.dumps(body), headers=headers)
    if response.status_code not in (200, 201):
        raise RuntimeError(f"{path} -> {response.status_code}: {response.text[:300]}")
    return dict(response.json())


async def prepare_payers(base_url: str, count: int, domain: str) -> list[Payer]:
    users = await prepare_users(base_url, count, domain, with_tokens=True)
    async with httpx.AsyncClient(base_url=base_url, timeout=30.0) as client:
        methods = await asyncio.gather(
            *(
                _post(
                    client,
                    "/v1/payment-methods",
                    {"type": "card", "card": _CARD},
                    u.access_token,
                )
                for u in users
            )
        )
        payers = [Payer(u, m["id"]) for u, m in zip(users, methods, strict=True)]
        # The scenario is worthless if the sandbox does not complete the charge.
        first = payers[0]
        payment = await _post(
            client,
            "/v1/payments",
            orjson.loads(create_body(first.payment_method)),
            first.user.access_token,
            key=f"smoke-{secrets.token_hex(8)}",
        )
        if payment.get("status") != "completed":
            raise RuntimeError(f"smoke create+confirm: {payment}")
    return payers


async def create_payments(base_url: str, payers: list[Payer], count: int) -> list[str]:
    """`count` completed payments, round-robin over the payers; their ids."""
    gate = asyncio.Semaphore(_SETUP_CONCURRENCY)
    run_id = secrets.token_hex(4)

    async def one(client: httpx.AsyncClient, i: int) -> str:
        payer = payers[i % len(payers)]
        async with gate:
            payment = await _post(
                client,
                "/v1/payments",
                orjson.loads(create_body(payer.payment_method)),
                payer.user.access_token,
                key=f"setup-{run_id}-{i}",
            )
        return str(payment["id"])

    async with httpx.AsyncClient(base_url=base_url, timeout=30.0) as client:
        return list(await asyncio.gather(*(one(client, i) for i in range(count))))


async def _measured(
    args: argparse.Namespace, mode: str, load: Awaitable[RunReport]
) -> None:
    """Run `load`, then print its report with the CPU split of the interval."""
    pids = [args.server_pid] if args.server_pid else []
    spy = await _start_profiler(args)
    before = snapshot(pids, args.database)
    report = await load
    cpu = usage(before, snapshot(pids, args.database))
    if spy is not None:
        await _stop_profiler(spy, args)
    text = render_closed(report) if mode == "closed" else report.render()
    text += "\n" + render_cpu(cpu)
    print(text, file=sys.stderr if args.json else sys.stdout, flush=True)
    if args.json:
        record = {
            "target": args.target,
            "scenario": args.scenario,
            "mode": mode,
            "profiled": bool(args.profile),
            **report.to_dict(),
            "cpu_pct": cpu,
        }
        sys.stdout.buffer.write(orjson.dumps(record) + b"\n")
        sys.stdout.flush()


async def _open_loop(
    target: Target,
    requests: Sequence[bytes],
    expected: list[int],
    args: argparse.Namespace,
    rate: float,
    duration: float,
    label: str,
    measured: bool = True,
) -> RunReport:
    return await OpenLoop(
        target,
        requests,
        expected,
        rate=rate,
        duration=duration,
        connections=args.connections,
        timeout=args.timeout,
        server_pid=args.server_pid if measured else None,
        label=label,
    ).run()


async def cache_lookups(base_url: str) -> dict[str, float]:
    """till_cache_lookups_total by label set, scraped from /metrics."""
    async with httpx.AsyncClient(base_url=base_url) as http:
        text = (await http.get("/metrics")).text
    counts: dict[str, float] = {}
    for line in text.splitlines():
        if line.startswith("till_cache_lookups_total{"):
            labels, value = line.rsplit(" ", 1)
            counts[labels] = float(value)
    return counts


def cache_report(before: dict[str, float], after: dict[str, float]) -> str:
    """The hit ratio of the lookups made between two scrapes."""
    delta = {k: v - before.get(k, 0.0) for k, v in after.items()}
    total = sum(delta.values())
    hits = sum(v for k, v in delta.items() if 'result="hit"' in k)
    by_level = ", ".join(
        f"{k[len('till_cache_lookups_total') :]} {v:.0f}"
        for k, v in sorted(delta.items())
    )
    ratio = 100 * hits / total if total else 0.0
    return f"cache     hit ratio {ratio:.1f}% of {total:.0f} lookups ({by_level})"


async def scenario_run(args: argparse.Namespace, target: Target) -> None:
    started = time.perf_counter()
    run_id = secrets.token_hex(4)
    if args.target == "reference":
        # Same request shape as till gets: a bearer token of a till access JWT's
        # length (463 characters at bb855a4) and a method id of the real length.
        pairs = [("x" * 463, f"pm_{i:026d}") for i in range(args.users)]
        payers: list[Payer] = []
    else:
        payers = await prepare_payers(args.base_url, args.users, args.email_domain)
        pairs = [(p.user.access_token, p.payment_method) for p in payers]
    who = f"{args.target} {args.users} payers"
    print(
        f"setup: {len(pairs)} payers ready in {time.perf_counter() - started:.1f} s",
        file=sys.stderr,
    )

    if args.scenario == "get":
        ids = await create_payments(args.base_url, payers, args.payments)
        tokens = [p.user.access_token for p in payers]
        requests = [
            encode_request(
                target,
                "GET",
                f"/v1/payments/{pid}",
                {"Authorization": f"Bearer {tokens[i % len(tokens)]}"},
            )
            for i, pid in enumerate(ids)
        ]
        label = f"{args.target} GET /v1/payments/{{id}} ({len(ids)} payments)"
        rates = args.steps or [args.rate]
        if args.warmup > 0:
            await _open_loop(
                target, requests, [200], args, rates[0], args.warmup, "", False
            )
        for step, rate in enumerate(rates):
            before = await cache_lookups(args.base_url)
            await _measured(
                args,
                "open",
                _open_loop(target, requests, [200], args, rate, args.duration, label),
            )
            report = cache_report(before, await cache_lookups(args.base_url))
            print(report, file=sys.stderr)
            if step + 1 < len(rates):
                await asyncio.sleep(args.pause)
        return

    templates = create_templates(target, pairs)
    warm = FreshKeyRequests(templates, f"{run_id}w")
    if args.scenario == "create-closed":
        if args.warmup > 0:
            await ClosedLoop(
                target,
                warm,
                [201],
                concurrency=args.concurrency,
                duration=args.warmup,
                timeout=args.timeout,
            ).run()
        loop = ClosedLoop(
            target,
            FreshKeyRequests(templates, f"{run_id}m"),
            [201],
            concurrency=args.concurrency,
            duration=args.duration,
            timeout=args.timeout,
            server_pid=args.server_pid,
            label=f"{args.target} create+confirm closed loop ({who})",
        )
        await _measured(args, "closed", loop.run())
        return

    rates = args.steps or [args.rate]
    if args.warmup > 0:
        await _open_loop(
            target, warm, [201], args, rates[0], args.warmup, "", measured=False
        )
    for step, rate in enumerate(rates):
        label = f"{args.target} POST /v1/payments create+confirm ({who})"
        await _measured(
            args,
            "open",
            _open_loop(
                target,
                FreshKeyRequests(templates, f"{run_id}s{step}"),
                [201],
                args,
                rate,
                args.duration,
                label,
            ),
        )
        if step + 1 < len(rates):
            await asyncio.sleep(args.pause)  # let a backlog drain before the next


async def _start_profiler(args: argparse.Namespace) -> Process | None:
    """py-spy on the server for the measured run: folded stacks (`raw`) unless
    the output ends in .svg (flame graph) or .json (speedscope)."""
    if not args.profile or not args.server_pid:
        return None
    fmt = {".svg": "flamegraph", ".json": "speedscope"}.get(
        Path(args.profile).suffix, "raw"
    )
    spy = str(Path(sys.executable).with_name("py-spy"))
    return await asyncio.create_subprocess_exec(
        spy, "record", "--pid", str(args.server_pid), "--subprocesses",
        "--duration", str(max(1, int(args.duration))), "--rate", "100",
        "--format", fmt, "--output", args.profile,
        stdout=asyncio.subprocess.DEVNULL,
    )  # fmt: skip


async def _stop_profiler(spy: Process, args: argparse.Namespace) -> None:
    try:
        await asyncio.wait_for(spy.wait(), timeout=30)
    except TimeoutError:
        spy.terminate()
        await spy.wait()
    print(f"profile   {args.profile} (py-spy exit {spy.returncode})", file=sys.stderr)


def _rates(text: str) -> list[float]:
    return [float(r) for r in text.split(",") if r.strip()]


# Summary of a run_payments.sh results file (JSON lines) --------------------


def _median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def summarize(path: Path) -> str:
    rows = [orjson.loads(line) for line in path.read_bytes().splitlines() if line]
    out = [
        "| target | scenario | offered | achieved | ok/s | errors | p50 | p95 | p99 "
        "| max | RSS peak |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lat, rss = r["latency_ms"], r.get("server_rss_mib") or {}
        offered = (
            f"closed, {r['connections']} in flight"
            + (" (py-spy)" if r.get("profiled") else "")
            if r["mode"] == "closed"
            else f"{r['offered_rate']:g}/s"
        )
        out.append(
            f"| {r['target']} | {r['scenario']} | {offered}"
            f" | {r['achieved_rate']:.0f}/s"
            f" | {r['ok_rate']:.0f} | {r['error_count']} | {lat['p50']:.2f} ms"
            f" | {lat['p95']:.2f} ms | {lat['p99']:.2f} ms | {lat['max']:.1f} ms"
            f" | {rss.get('peak', float('nan')):.0f} MiB |"
        )

    def closed(target: str) -> list[float]:
        return [
            r["ok_rate"]
            for r in rows
            if r["target"] == target
            and r["scenario"] == "create-closed"
            and not r.get("profiled")
        ]

    ours, ref = closed("till"), closed("reference")
    if ours and ref:
        out += [
            "",
            f"create+confirm closed loop: till median {_median(ours):.0f}/s"
            f" (runs {', '.join(f'{x:.0f}' for x in ours)}), reference median"
            f" {_median(ref):.0f}/s (runs {', '.join(f'{x:.0f}' for x in ref)});"
            f" ratio till/reference = {_median(ours) / _median(ref):.2f}",
        ]
    return "\n".join(out)


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == "summarize":
        print(summarize(Path(sys.argv[2])))
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base-url", default="http://127.0.0.1:8000")
    parser.add_argument(
        "--scenario", choices=("create", "create-closed", "get"), required=True
    )
    parser.add_argument("--target", choices=("till", "reference"), default="till")
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--payments", type=int, default=1000, help="for `get`")
    parser.add_argument("--concurrency", type=int, default=64, help="closed loop")
    parser.add_argument(
        "--steps", type=_rates, default=None, help="open loop: rates, e.g. 500,1000"
    )
    parser.add_argument(
        "--pause", type=float, default=3.0, help="s between steps (drain)"
    )
    parser.add_argument("--email-domain", default="example.com")
    parser.add_argument(
        "--database",
        default=urlsplit(os.environ.get("DATABASE_URL", "")).path.lstrip("/"),
        help="the bench's PostgreSQL database, to tell its CPU from a neighbour's",
    )
    parser.add_argument(
        "--profile", help="py-spy the server during the measured run: output path"
    )
    add_load_arguments(parser)
    args = parser.parse_args()
    check_bounds(args)
    if any(not 0 < r <= MAX_RATE for r in args.steps or []):
        sys.exit(f"each step must be in (0, {MAX_RATE}]")
    if args.target == "reference" and args.scenario == "get":
        sys.exit("the reference app has no read endpoint")
    try:
        target = Target.from_url(args.base_url)
    except ValueError as exc:
        sys.exit(str(exc))
    try:
        run(scenario_run(args, target))
    except (ConnectionError, RuntimeError, httpx.HTTPError) as exc:
        sys.exit(f"payments bench failed: {exc}")


if __name__ == "__main__":
    main()

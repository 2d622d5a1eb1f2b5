"""End-to-end webhook latency: from a create+confirm command's intended send
time (open loop, as bench/openloop.py measures) to its `payment.completed`
webhook arriving, signature verified, at a local receiver
(bench/webhook_receiver.py).

Setup through the public API: an admin (made by bench/run_webhooks.sh with
`till user create --admin`, credentials in BENCH_ADMIN_EMAIL and
BENCH_ADMIN_PASSWORD) steps up with TOTP and registers a webhook endpoint for
`payment.completed` pointing at the receiver; N payers get a card. Each payment
carries `metadata: {bench_run, seq}`, so the webhook names its own send time:
t0 + seq / rate. After the load, the run waits for the webhooks to drain, then
reads the stage times from the database (bench/webhook_stages.py).

    .venv/bin/python bench/webhook_latency.py --base-url http://127.0.0.1:8765 \\
        --rates 100,200 --duration 30 --repeats 3 --database till_bench_x --json
    .venv/bin/python bench/webhook_latency.py summarize results.jsonl
"""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import statistics
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import overload

import httpx
import orjson
from loadgen import run
from openloop import OpenLoop
from payments import Payer, prepare_payers
from payments_cpu import render as render_cpu
from payments_cpu import snapshot, usage
from rawhttp import Target, encode_request
from report import latency_summary_ms
from webhook_receiver import WebhookReceiver
from webhook_stages import STAGES, stage_times

from till.identity.core.totp import time_step, totp_code
from till.kernel.clock import SystemClock

_SEQ = b"SEQSEQSEQSEQ"  # 12 characters, as the digits that replace it


class SeqRequests(Sequence[bytes]):
    """Create+confirm requests whose Idempotency-Key and metadata carry `seq`."""

    def __init__(self, target: Target, payers: list[Payer], tag: str) -> None:
        self.templates = []
        for payer in payers:
            body = orjson.dumps(
                {
                    "amount": 1050,
                    "currency": "usd",
                    "payment_method": payer.payment_method,
                    "confirm": True,
                    "metadata": {"bench_run": tag, "seq": _SEQ.decode()},
                }
            )
            headers = {
                "Authorization": f"Bearer {payer.user.access_token}",
                "Content-Type": "application/json",
                "Idempotency-Key": f"{tag}-{_SEQ.decode()}",
            }
            request = encode_request(target, "POST", "/v1/payments", headers, body)
            self.templates.append(request.split(_SEQ))

    def __len__(self) -> int:
        return 10**12

    @overload
    def __getitem__(self, index: int) -> bytes: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[bytes]: ...
    def __getitem__(self, index: int | slice) -> bytes | Sequence[bytes]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        return f"{index:012d}".encode().join(
            self.templates[index % len(self.templates)]
        )

    def __iter__(self) -> Iterator[bytes]:
        raise TypeError("unbounded: index it")


class TimedOpenLoop(OpenLoop):
    """OpenLoop that keeps its start, so seq i's intended time is t0 + i/rate."""

    t0 = 0.0

    async def _schedule(self, t0: float) -> None:
        self.t0 = t0
        await super()._schedule(t0)


async def admin_token(http: httpx.AsyncClient, email: str, password: str) -> str:
    """Log in, enrol TOTP, step up: an admin token fresh from MFA."""

    async def post(path: str, body: dict[str, str], token: str = "") -> dict:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        response = await http.post(path, json=body, headers=headers)
        if response.status_code not in (200, 201):
            raise RuntimeError(f"{path} -> {response.status_code}: {response.text}")
        return dict(response.json())

    def code(offset: int = 0) -> str:
        return totp_code(secret, time_step(SystemClock().now()) + offset)

    login = {"email": email, "password": password}
    token = (await post("/v1/auth/login", login))["access_token"]
    secret = (await post("/v1/auth/mfa/totp", {}, token))["secret"]
    await post("/v1/auth/mfa/totp/verify", {"code": code(-1)}, token)
    stepped = await post("/v1/auth/mfa/challenge", {"code": code()}, token)
    return str(stepped["access_token"])


async def drain(
    receiver: WebhookReceiver, expected: int, idle: float, cap: float
) -> float:
    """Wait until `expected` arrived, or nothing arrived for `idle` s, or `cap` s."""
    start = time.perf_counter()
    while len(receiver.arrivals) < expected:
        now = time.perf_counter()
        if now - start > cap or now - max(receiver.last_arrival, start) > idle:
            break
        await asyncio.sleep(0.1)
    return time.perf_counter() - start


async def one_run(args, target, payers, receiver, endpoint_id, rate) -> dict:
    tag = secrets.token_hex(4)
    receiver.expect(receiver.secret, tag)
    loop = TimedOpenLoop(
        target, SeqRequests(target, payers, tag), [201], rate=rate,
        duration=args.duration, connections=args.connections, timeout=args.timeout,
        label=f"webhooks {args.bus} create+confirm at {rate:g}/s",
    )  # fmt: skip
    before = snapshot(args.server_pid, args.database)
    wall_offset = time.time() - time.perf_counter()
    report = await loop.run()
    drained = await drain(receiver, report.ok, args.drain_idle, args.drain_max)
    cpu = usage(before, snapshot(args.server_pid, args.database))
    intended = {i: loop.t0 + i / rate for i in range(loop.count)}
    arrived = {s: at for s, (at, _) in receiver.arrivals.items() if s in intended}
    latencies = [arrived[s] - intended[s] for s in arrived]
    stages = await stage_times(
        f"postgresql://postgres@127.0.0.1:5432/{args.database}", tag, endpoint_id,
        {s: t + wall_offset for s, t in intended.items()},
        {s: wall for s, (_, wall) in receiver.arrivals.items()},
    )  # fmt: skip
    counts = dict(receiver.counts)
    return {
        "bus": args.bus, "rate": rate, "duration_s": args.duration,
        "sent": loop.count, "ok": report.ok, "errors": report.errors,
        "received": len(arrived), "missing": loop.count - len(arrived),
        "duplicates": counts.get("duplicate", 0) + counts.get("duplicate_payment", 0),
        "bad_signatures": counts.get("bad_signature", 0), "counts": counts,
        "drain_s": round(drained, 1), "latency_ms": latency_summary_ms(latencies),
        "command_ms": report.latency_ms, "stages_ms": stages, "cpu_pct": cpu,
    }  # fmt: skip


async def main_async(args: argparse.Namespace) -> None:
    target = Target.from_url(args.base_url)
    receiver = WebhookReceiver()
    port = await receiver.start()
    async with httpx.AsyncClient(base_url=args.base_url, timeout=30.0) as http:
        token = await admin_token(
            http, os.environ["BENCH_ADMIN_EMAIL"], os.environ["BENCH_ADMIN_PASSWORD"]
        )
        url = f"http://127.0.0.1:{port}/hooks"
        created = await http.post(
            "/v1/webhook-endpoints",
            json={"url": url, "events": ["payment.completed"]},
            headers={"Authorization": f"Bearer {token}"},
        )
        if created.status_code != 201:
            status, text = created.status_code, created.text
            raise RuntimeError(f"webhook endpoint -> {status}: {text}")
        endpoint = created.json()
    receiver.expect(endpoint["secret"], "setup")
    payers = await prepare_payers(args.base_url, args.users, "example.com")
    if args.warmup > 0:
        warm = TimedOpenLoop(
            target, SeqRequests(target, payers, "warmup"), [201], rate=args.rates[0],
            duration=args.warmup, connections=args.connections, timeout=args.timeout,
        )  # fmt: skip
        await warm.run()
        await drain(receiver, 10**9, 3.0, args.drain_max)
    for rate in args.rates:
        for _ in range(args.repeats):
            record = await one_run(args, target, payers, receiver, endpoint["id"], rate)
            print(render(record), file=sys.stderr, flush=True)
            sys.stdout.buffer.write(orjson.dumps(record) + b"\n")
            sys.stdout.flush()
            await asyncio.sleep(args.pause)
    await receiver.stop()


def render(r: dict) -> str:
    lat, stages = r["latency_ms"], r["stages_ms"]
    lines = [
        f"{r['bus']} {r['rate']:g}/s x {r['duration_s']:g} s: sent {r['sent']}, "
        f"201 {r['ok']}, webhooks {r['received']} (missing {r['missing']}, "
        f"duplicates {r['duplicates']}, bad signatures {r['bad_signatures']}), "
        f"drained in {r['drain_s']} s, errors {r['errors']}",
        f"  command->webhook p50 {lat['p50']:.0f} p95 {lat['p95']:.0f} "
        f"p99 {lat['p99']:.0f} max {lat['max']:.0f} ms; command p95 "
        f"{r['command_ms']['p95']:.0f} ms",
        "  stages p50/p95 ms: " + ", ".join(
            f"{s} {stages[s]['p50']:.0f}/{stages[s]['p95']:.0f}" for s in STAGES
        ),
        "  " + render_cpu(r["cpu_pct"]),
    ]  # fmt: skip
    return "\n".join(lines)


def summarize(path: Path) -> str:
    rows = [orjson.loads(line) for line in path.read_bytes().splitlines() if line]
    out = [
        "| path | offered | runs | sent | webhooks | dup | p50 | p95 | p99 | max "
        "| sender wait p95 |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    groups: dict[tuple[str, float], list[dict]] = {}
    for r in rows:
        groups.setdefault((r["bus"], r["rate"]), []).append(r)
    for (bus, rate), runs in groups.items():

        def med(key: str, runs: list[dict] = runs) -> float:
            return statistics.median(r["latency_ms"][key] for r in runs)

        wait = statistics.median(r["stages_ms"]["sender_wait"]["p95"] for r in runs)
        p95s = ", ".join(f"{r['latency_ms']['p95']:.0f}" for r in runs)
        out.append(
            f"| {bus} | {rate:g}/s | {len(runs)} | {sum(r['sent'] for r in runs)}"
            f" | {sum(r['received'] for r in runs)}"
            f" | {sum(r['duplicates'] for r in runs)} | {med('p50'):.0f} ms"
            f" | {med('p95'):.0f} ms ({p95s}) | {med('p99'):.0f} ms"
            f" | {med('max'):.0f} ms | {wait:.0f} ms |"
        )
    return "\n".join(out)


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == "summarize":
        print(summarize(Path(sys.argv[2])))
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base-url", default="http://127.0.0.1:8765")
    parser.add_argument("--bus", default="inprocess", help="label: inprocess|rabbitmq")
    parser.add_argument("--rates", type=lambda t: [float(x) for x in t.split(",")])
    parser.add_argument("--duration", type=float, default=30.0)
    parser.add_argument("--warmup", type=float, default=3.0)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--timeout", type=float, default=10.0)
    parser.add_argument("--pause", type=float, default=3.0)
    parser.add_argument("--drain-idle", type=float, default=20.0)
    parser.add_argument("--drain-max", type=float, default=300.0)
    parser.add_argument("--database", required=True)
    parser.add_argument("--server-pid", type=int, action="append", default=[])
    args = parser.parse_args()
    if not args.rates or any(not 0 < r <= 5000 for r in args.rates):
        sys.exit("--rates: comma-separated, each in (0, 5000]")
    try:
        run(main_async(args))
    except (ConnectionError, RuntimeError, httpx.HTTPError) as exc:
        sys.exit(f"webhook bench failed: {exc}")


if __name__ == "__main__":
    main()

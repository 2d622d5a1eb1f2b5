"""Order creation load: till's `POST /v1/orders` against the legacy PHP app's
`POST /api/orders` (legacy/), the same order each time (two items, 3 pieces).

till: N users are registered and logged in (bench/identity.py); each request
carries one user's access token and a fresh `Idempotency-Key` (as in
bench/payments.py), body `{currency, items: [{sku, name, quantity,
unit_amount}]}`. legacy: the app's one static bearer token, body
`{customer_id, currency, items: [{sku, name, qty, price}]}` with N customer
ids, and the same `Idempotency-Key` header (legacy ignores it; it keeps the
request the same size). One smoke create on each side checks for 201 first.

    create          open loop at --rate (or each of --steps r1,r2,...)
    create-closed   closed loop: --concurrency requests always in flight

    .venv/bin/python bench/orders.py --target legacy --base-url \\
        http://127.0.0.1:8767 --legacy-token T --scenario create --rate 200
"""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import orjson
from identity import prepare_users
from loadgen import MAX_RATE, add_load_arguments, check_bounds, run
from payments import _KEY_MARK, FreshKeyRequests, _measured, _open_loop, _rates
from payments_closedloop import ClosedLoop
from rawhttp import Target, encode_request

_JSON = {"Content-Type": "application/json"}
_ITEMS = (("MUG-01", "Mug", 2, 999), ("TEA-17", "Green tea", 1, 450))


def till_body() -> bytes:
    items = [
        {"sku": s, "name": n, "quantity": q, "unit_amount": a} for s, n, q, a in _ITEMS
    ]
    return orjson.dumps({"currency": "eur", "items": items})


def legacy_body(customer_id: int) -> bytes:
    items = [
        {"sku": s, "name": n, "qty": q, "price": f"{a // 100}.{a % 100:02d}"}
        for s, n, q, a in _ITEMS
    ]
    return orjson.dumps({"customer_id": customer_id, "currency": "EUR", "items": items})


def templates(
    target: Target, path: str, pairs: list[tuple[str, bytes]]
) -> list[tuple[bytes, bytes]]:
    """One request per (token, body), split where the Idempotency-Key goes."""
    out = []
    for token, body in pairs:
        encoded = encode_request(
            target,
            "POST",
            path,
            {"Authorization": f"Bearer {token}", **_JSON, "Idempotency-Key": _KEY_MARK},
            body,
        )
        head, tail = encoded.split(_KEY_MARK.encode("latin-1"))
        out.append((head, tail))
    return out


async def smoke(base_url: str, path: str, token: str, body: bytes) -> None:
    headers = {**_JSON, "Authorization": f"Bearer {token}"}
    headers["Idempotency-Key"] = f"smoke-{secrets.token_hex(8)}"
    async with httpx.AsyncClient(base_url=base_url, timeout=30.0) as client:
        response = await client.post(path, content=body, headers=headers)
    if response.status_code != 201:
        raise RuntimeError(f"smoke {path} -> {response.status_code}: {response.text}")


async def scenario_run(args: argparse.Namespace, target: Target) -> None:
    started = time.perf_counter()
    if args.target == "legacy":
        path = "/api/orders"
        pairs = [(args.legacy_token, legacy_body(i + 1)) for i in range(args.users)]
    else:
        path = "/v1/orders"
        users = await prepare_users(
            args.base_url, args.users, args.email_domain, with_tokens=True
        )
        pairs = [(u.access_token, till_body()) for u in users]
    await smoke(args.base_url, path, *pairs[0])
    print(
        f"setup: {len(pairs)} callers ready in {time.perf_counter() - started:.1f} s",
        file=sys.stderr,
    )
    run_id = secrets.token_hex(4)
    split = templates(target, path, pairs)
    label = f"{args.target} POST {path} ({args.users} customers)"
    if args.scenario == "create-closed":
        if args.warmup > 0:
            await ClosedLoop(
                target, FreshKeyRequests(split, f"{run_id}w"), [201],
                concurrency=args.concurrency, duration=args.warmup,
                timeout=args.timeout,
            ).run()  # fmt: skip
        loop = ClosedLoop(
            target, FreshKeyRequests(split, f"{run_id}m"), [201],
            concurrency=args.concurrency, duration=args.duration,
            timeout=args.timeout, server_pid=args.server_pid,
            label=f"{label} closed loop",
        )  # fmt: skip
        await _measured(args, "closed", loop.run())
        return
    rates = args.steps or [args.rate]
    if args.warmup > 0:
        warm = FreshKeyRequests(split, f"{run_id}w")
        await _open_loop(target, warm, [201], args, rates[0], args.warmup, "", False)
    for step, rate in enumerate(rates):
        requests = FreshKeyRequests(split, f"{run_id}s{step}")
        await _measured(
            args,
            "open",
            _open_loop(target, requests, [201], args, rate, args.duration, label),
        )
        if step + 1 < len(rates):
            await asyncio.sleep(args.pause)


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == "summarize":
        from orders_report import summarize

        print(summarize(Path(sys.argv[2])))
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base-url", default="http://127.0.0.1:8000")
    parser.add_argument(
        "--scenario", choices=("create", "create-closed"), required=True
    )
    parser.add_argument("--target", choices=("till", "legacy"), default="till")
    parser.add_argument("--legacy-token", default=os.environ.get("LEGACY_API_TOKEN"))
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--concurrency", type=int, default=64, help="closed loop")
    parser.add_argument("--steps", type=_rates, default=None, help="open loop rates")
    parser.add_argument("--pause", type=float, default=3.0, help="s between steps")
    parser.add_argument("--email-domain", default="example.com")
    parser.add_argument(
        "--database",
        default=urlsplit(os.environ.get("DATABASE_URL", "")).path.lstrip("/"),
        help="the bench's PostgreSQL database, to tell its CPU from a neighbour's",
    )
    parser.add_argument("--profile", help="py-spy the server: output path")
    add_load_arguments(parser)
    args = parser.parse_args()
    check_bounds(args)
    if any(not 0 < r <= MAX_RATE for r in args.steps or []):
        sys.exit(f"each step must be in (0, {MAX_RATE}]")
    if args.target == "legacy" and not args.legacy_token:
        sys.exit("--legacy-token (or LEGACY_API_TOKEN) is needed for legacy")
    try:
        run(scenario_run(args, Target.from_url(args.base_url)))
    except (ConnectionError, RuntimeError, httpx.HTTPError, ValueError) as exc:
        sys.exit(f"orders bench failed: {exc}")


if __name__ == "__main__":
    main()

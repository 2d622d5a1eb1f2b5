"""Identity load scenarios: `login` (POST /v1/auth/login) and `me` (GET /v1/auth/me).

State is prepared through the public API, as a client would: N fresh users are
registered (random strong passwords, held only in memory) and, for `me`, logged in
once for access tokens. The load then goes round-robin over the users so a
per-account limit or cache does not see one hot account. Setup uses httpx (a few
dozen calls, speed irrelevant); the load uses the open-loop generator.

    .venv/bin/python bench/identity.py --base-url http://127.0.0.1:8000 \\
        --scenario me --rate 1000 --duration 20 --server-pid PID
"""

from __future__ import annotations

import argparse
import asyncio
import secrets
import sys
import time
from dataclasses import dataclass
from typing import Any

import httpx
import orjson
from loadgen import add_load_arguments, check_bounds, emit, measure, run
from rawhttp import Target, encode_request
from report import RunReport

_JSON = {"Content-Type": "application/json"}
_SETUP_CONCURRENCY = 4  # password hashing is deliberately slow; don't pile it up


@dataclass(frozen=True, slots=True)
class BenchUser:
    email: str
    password: str
    access_token: str = ""


async def _post(
    client: httpx.AsyncClient, path: str, body: dict[str, str]
) -> dict[str, Any]:
    """POST, waiting out a 429's Retry-After a few times: setup must not be flaky."""
    for _ in range(5):
        response = await client.post(path, content=orjson.dumps(body), headers=_JSON)
        if response.status_code != 429:
            break
        retry_after = response.headers.get("Retry-After", "1")
        wait = min(float(retry_after) if retry_after.isdigit() else 1.0, 30.0)
        print(f"setup: {path} rate-limited, waiting {wait:g} s", file=sys.stderr)
        await asyncio.sleep(wait)
    if response.status_code not in (200, 201):
        raise RuntimeError(f"{path} -> {response.status_code}: {response.text[:300]}")
    return dict(response.json())


async def prepare_users(
    base_url: str, count: int, domain: str, with_tokens: bool
) -> list[BenchUser]:
    run_id = secrets.token_hex(4)
    gate = asyncio.Semaphore(_SETUP_CONCURRENCY)

    async def one(client: httpx.AsyncClient, i: int) -> BenchUser:
        user = BenchUser(f"bench-{run_id}-{i}@{domain}", secrets.token_urlsafe(18))
        creds = {"email": user.email, "password": user.password}
        async with gate:
            await _post(client, "/v1/auth/register", {**creds, "name": f"Bench {i}"})
            if not with_tokens:
                return user
            tokens = await _post(client, "/v1/auth/login", creds)
        return BenchUser(user.email, user.password, tokens["access_token"])

    async with httpx.AsyncClient(base_url=base_url, timeout=30.0) as client:
        return list(await asyncio.gather(*(one(client, i) for i in range(count))))


def encode_scenario(
    target: Target, scenario: str, users: list[BenchUser]
) -> list[bytes]:
    """One pre-encoded request per user; the generator cycles through them."""
    if scenario == "login":
        return [
            encode_request(
                target,
                "POST",
                "/v1/auth/login",
                _JSON,
                orjson.dumps({"email": u.email, "password": u.password}),
            )
            for u in users
        ]
    return [
        encode_request(
            target, "GET", "/v1/auth/me", {"Authorization": f"Bearer {u.access_token}"}
        )
        for u in users
    ]


async def scenario_run(args: argparse.Namespace, target: Target) -> RunReport:
    started = time.perf_counter()
    users = await prepare_users(
        args.base_url, args.users, args.email_domain, args.scenario == "me"
    )
    print(
        f"setup: {len(users)} users ready in {time.perf_counter() - started:.1f} s",
        file=sys.stderr,
    )
    requests = encode_scenario(target, args.scenario, users)
    label = f"identity {args.scenario} ({len(users)} users)"
    return await measure(target, requests, [200], args, label)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base-url", default="http://127.0.0.1:8000")
    parser.add_argument("--scenario", choices=("login", "me"), required=True)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--email-domain", default="example.com")
    add_load_arguments(parser)
    args = parser.parse_args()
    check_bounds(args)
    try:
        target = Target.from_url(args.base_url)
    except ValueError as exc:
        sys.exit(str(exc))
    try:
        report = run(scenario_run(args, target))
    except (ConnectionError, RuntimeError, httpx.HTTPError) as exc:
        sys.exit(f"identity bench failed: {exc}")
    emit(report, args.json)


if __name__ == "__main__":
    main()

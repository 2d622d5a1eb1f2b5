"""The floor for `POST /v1/payments` with `confirm: true`: a bare ASGI app that
writes, per request, exactly the rows till writes for a create + confirm, with
the same SQL, and does nothing else (no auth, no validation, no JSON parsing, no
hashing, no card vault, no processor, no framework).

Per request, on one pooled asyncpg connection, three autocommit statements (the
ones in src/till/platform/postgres_idempotency.py and
src/till/payments/shell/adapters/postgres_payment_transactions.py at the
benchmarked commit):

1. `INSERT INTO idempotency_keys ... ON CONFLICT ... RETURNING` (the reservation,
   keyed by the request's Idempotency-Key);
2. one statement: 2 `payment_events` rows (created, processing) + `payments`
   upsert (status processing, version 2) + 2 `outbox` rows;
3. one statement: 1 `payment_events` row (completed) + `payments` upsert
   (completed, version 3) + 1 `outbox` row + the idempotency row marked done
   with the response (`UPDATE idempotency_keys`, part of the same statement in
   till).

Values are dummies of the same shape and size as till's (ids of 30 characters,
32-byte hashes, ~640-byte outbox payloads, ~480-byte response). Till also reads
the payment method twice (SELECT) and checks the bearer token; those are not
here: "the INSERTs and nothing else".

    .venv/bin/python bench/reference_app.py --port 8766 \\
        --dsn postgresql://postgres@127.0.0.1:5432/DB
"""

from __future__ import annotations

import argparse
import itertools
import os
import secrets
from collections.abc import Awaitable, Callable, MutableMapping
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import uvicorn

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

RESERVE = """
    INSERT INTO idempotency_keys AS k (caller, key, fingerprint, state,
        resource_id, locked_until, created_at, expires_at)
    VALUES ($1, $2, $3, 'running', $4, $5, $6, $7)
    ON CONFLICT (caller, key) DO UPDATE SET
        locked_until = EXCLUDED.locked_until,
        fingerprint = EXCLUDED.fingerprint,
        state = 'running',
        resource_id = CASE WHEN k.expires_at <= $6 THEN EXCLUDED.resource_id
                           ELSE k.resource_id END,
        created_at = CASE WHEN k.expires_at <= $6 THEN EXCLUDED.created_at
                          ELSE k.created_at END,
        expires_at = CASE WHEN k.expires_at <= $6 THEN EXCLUDED.expires_at
                          ELSE k.expires_at END
    WHERE k.expires_at <= $6
       OR (k.state = 'running' AND k.locked_until <= $6 AND k.fingerprint = $3)
    RETURNING resource_id, (resource_id <> $4) AS resumed
"""

_COLUMNS = (
    "id, customer_id, amount, currency, status, capture_method, amount_capturable, "
    "amount_received, amount_refunded, failure_code, failure_message, metadata, "
    "description, payment_method, gateway, gateway_reference, refunds, created_at, "
    "updated_at, version, last_hash"
)
_NAMES = [n.strip() for n in _COLUMNS.split(",")]
_MUTABLE = [n for n in _NAMES if n not in ("id", "customer_id", "created_at")]
# $1 is the payment id (also the events' and outbox rows' stream_id); the row's
# other 20 columns are $9..$28, the events' arrays $2..$8, the outbox's $29..$31.
_ROW_VALUES = ", ".join(
    "$1"
    if n == "id"
    else f"CAST(${i} AS jsonb)"
    if n in ("metadata", "refunds")
    else f"${i}"
    for i, n in zip(range(8, 8 + len(_NAMES)), _NAMES, strict=True)
)
_EVENTS = """ev AS (
    INSERT INTO payment_events (stream_id, version, type, at, amount, data,
        prev_hash, hash)
    SELECT $1, u.v, u.t, u.a, u.m, CAST(u.d AS jsonb), u.p, u.h
    FROM unnest(CAST($2 AS integer[]), CAST($3 AS text[]),
        CAST($4 AS timestamptz[]), CAST($5 AS bigint[]),
        CAST($6 AS text[]), CAST($7 AS bytea[]), CAST($8 AS bytea[]))
        AS u(v, t, a, m, d, p, h)
    RETURNING 1)"""
_UPSERT = (
    f"proj AS (INSERT INTO payments ({_COLUMNS}) VALUES ({_ROW_VALUES}) "  # noqa: S608
    "ON CONFLICT (id) DO UPDATE SET "
    + ", ".join(f"{n} = EXCLUDED.{n}" for n in _MUTABLE)
    + " WHERE payments.version < EXCLUDED.version RETURNING 1)"
)
_OUTBOX = """ob AS (
    INSERT INTO outbox (event_id, type, stream_id, payload, created_at)
    SELECT u.i, u.t, $1, CAST(u.p AS jsonb), now()
    FROM unnest(CAST($29 AS text[]), CAST($30 AS text[]),
        CAST($31 AS text[])) AS u(i, t, p)
    RETURNING 1)"""
_COMPLETE = """idem AS (
    UPDATE idempotency_keys SET state = 'done', response_status = $34,
        response_type = $35, response_body = $36
    WHERE caller = $32 AND key = $33
    RETURNING 1)"""
RECORD_ATTEMPT = f"WITH {_EVENTS},\n{_UPSERT},\n{_OUTBOX}\nSELECT count(*) FROM ev"
RECORD_ANSWER = (
    f"WITH {_EVENTS},\n{_UPSERT},\n{_OUTBOX},\n{_COMPLETE}\nSELECT count(*) FROM ev"
)

_HASH = bytes(range(32))  # dummy SHA-256-sized digests
_CUSTOMER = "usr_01M8AYT97KHQW5PZWAX9CZSEMV"  # pragma: allowlist secret
_METHOD = "pm_01M8AYT9DJ03F37JDYG47R80BY"
_CREATED_DATA = (
    f'{{"currency": "usd", "metadata": {{}}, "customer_id": "{_CUSTOMER}",'
    f' "description": null, "capture_method": "automatic",'
    f' "payment_method": "{_METHOD}"}}'
)
_PROCESSING_DATA = f'{{"gateway": "sandbox", "payment_method": "{_METHOD}"}}'
_VIEW = (
    '{"id": "%(id)s", "risk": {"level": "not_assessed", "score": null},'
    ' "amount": 1050, "object": "payment", "status": "%(status)s", "failure": null,'
    ' "currency": "usd", "metadata": {}, "created_at": "%(created)s",'
    ' "updated_at": "%(updated)s", "customer_id": "' + _CUSTOMER + '",'
    ' "description": null, "capture_method": "automatic",'
    ' "payment_method": "' + _METHOD + '", "amount_received": %(received)d,'
    ' "amount_refunded": 0, "amount_capturable": 0}'
)
_NOTICE = '{"id": "%s", "data": %s, "type": "%s", "created_at": "%s"}'
_LEASE, _RETENTION = timedelta(seconds=60), timedelta(hours=24)

_boot = secrets.token_hex(3).upper()
_serial = itertools.count()


def _id(prefix: str) -> str:
    """Unique within a run and across runs, 26 characters after the prefix."""
    return f"{prefix}_{_boot}{next(_serial):020d}"


def _row(
    status: str, version: int, received: int, reference: str | None, at: datetime
) -> list[Any]:
    """The payments row's columns after `id`, in _COLUMNS order."""
    return [
        _CUSTOMER, 1050, "usd", status, "automatic", 0, received, 0, None, None,
        "{}", None, _METHOD, "sandbox", reference, "[]", at, at, version, _HASH,
    ]  # fmt: skip


def _notice(event_id: str, kind: str, view: str, at: str) -> str:
    return _NOTICE % (event_id, view, kind, at)


async def create_and_confirm(conn: asyncpg.Connection, key: str) -> bytes:
    now = datetime.now(UTC)
    stamp = now.isoformat().replace("+00:00", "Z")
    caller = f"user:{_CUSTOMER}"
    pay_id = _id("pay")
    await conn.fetchrow(
        RESERVE, caller, key, _HASH, pay_id, now + _LEASE, now, now + _RETENTION
    )

    processing = _VIEW % {
        "id": pay_id,
        "status": "processing",
        "created": stamp,
        "updated": stamp,
        "received": 0,
    }
    created_evt, processing_evt = _id("evt"), _id("evt")
    await conn.fetchval(
        RECORD_ATTEMPT,
        pay_id,
        [1, 2],
        ["payment.created", "payment.processing"],
        [now, now],
        [1050, 0],
        [_CREATED_DATA, _PROCESSING_DATA],
        [_HASH, _HASH],
        [_HASH, _HASH],
        *_row("processing", 2, 0, None, now),
        [created_evt, processing_evt],
        ["payment.created", "payment.processing"],
        [
            _notice(created_evt, "payment.created", processing, stamp),
            _notice(processing_evt, "payment.processing", processing, stamp),
        ],
    )

    done = datetime.now(UTC)
    done_stamp = done.isoformat().replace("+00:00", "Z")
    reference = f"sbx_ch_{secrets.token_hex(12)}"
    completed = _VIEW % {
        "id": pay_id,
        "status": "completed",
        "created": stamp,
        "updated": done_stamp,
        "received": 1050,
    }
    body = completed.encode()
    completed_evt = _id("evt")
    await conn.fetchval(
        RECORD_ANSWER,
        pay_id,
        [3],
        ["payment.completed"],
        [done],
        [1050],
        [f'{{"reference": "{reference}"}}'],
        [_HASH],
        [_HASH],
        *_row("completed", 3, 1050, reference, done),
        [completed_evt],
        ["payment.completed"],
        [_notice(completed_evt, "payment.completed", completed, done_stamp)],
        caller,
        key,
        201,
        "application/json",
        body,
    )
    return body


class ReferenceApp:
    """Raw ASGI: `POST /v1/payments` (the three statements), `GET /healthz`."""

    def __init__(self, dsn: str, pool_size: int) -> None:
        self.dsn = dsn
        self.pool_size = pool_size
        self.pool: asyncpg.Pool | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        more = True
        while more:  # the body is read, as a server must, and ignored
            message = await receive()
            more = message.get("more_body", False)
        if scope["path"] == "/healthz":
            await _respond(send, 200, b'{"status":"ok"}')
            return
        if scope["method"] != "POST" or scope["path"] != "/v1/payments":
            await _respond(send, 404, b'{"code":"not_found"}')
            return
        key = next(
            (v.decode() for k, v in scope["headers"] if k == b"idempotency-key"),
            None,
        )
        if key is None or self.pool is None:
            await _respond(send, 400, b'{"code":"idempotency_key_missing"}')
            return
        async with self.pool.acquire() as conn:
            body = await create_and_confirm(conn, key)
        await _respond(send, 201, body)

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                self.pool = await asyncpg.create_pool(
                    self.dsn,
                    min_size=self.pool_size,
                    max_size=self.pool_size,
                    max_queries=2**62,
                    reset=_no_reset,  # SQLAlchemy's autocommit checkin: no query
                    server_settings={"application_name": "till-bench-reference"},
                )
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                if self.pool is not None:
                    await self.pool.close()
                await send({"type": "lifespan.shutdown.complete"})
                return


async def _no_reset(conn: asyncpg.Connection) -> None:
    return None


async def _respond(send: Send, status: int, body: bytes) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument(
        "--dsn",
        default=os.environ.get("REFERENCE_DSN", ""),
        help="postgresql://user@host:port/db (or REFERENCE_DSN)",
    )
    parser.add_argument(
        "--pool-size", type=int, default=20, help="till: pool 10 + overflow 10"
    )
    args = parser.parse_args()
    if not args.dsn:
        parser.error("--dsn (or REFERENCE_DSN) is required")
    if args.host not in ("127.0.0.1", "localhost", "::1"):
        parser.error("loopback only")
    uvicorn.run(
        ReferenceApp(args.dsn, args.pool_size),
        host=args.host,
        port=args.port,
        workers=1,
        log_level="warning",
        access_log=False,
        lifespan="on",
    )


if __name__ == "__main__":
    main()

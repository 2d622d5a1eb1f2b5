"""OrdersUnitPort in PostgreSQL, for one command. `record` writes the events
(hash-chained), the projection row, the buffered outbox rows and the
idempotency response in ONE statement (as payments do, ADR 0006): one round
trip, atomic without BEGIN/COMMIT. A lost race (the stream moved on, or a
legacy id imported by someone else) is a unique violation → StreamConflict."""

import orjson

from till.kernel.idempotency import StoredResponse
from till.orders.core.errors import StreamConflict
from till.orders.core.events import OrderEvent
from till.orders.core.models import Order
from till.orders.core.notifications import Notification
from till.orders.shell.adapters.order_chain import GENESIS, chained, event_json
from till.orders.shell.adapters.postgres_order_rows import (
    SELECT,
    UPSERT,
    order_from_row,
    row_params,
)
from till.platform import tracing
from till.platform.database import Database
from till.platform.driver_statements import Statement, UniqueViolation, row
from till.platform.postgres_idempotency import COMPLETE, completion_params

_COMPLETE = Statement.of(COMPLETE)
_LOAD = Statement.of(f"SELECT {SELECT} FROM orders WHERE id = :id")  # noqa: S608  # nosec B608
_EVENTS = """ev AS (
    INSERT INTO order_events (stream_id, version, type, at, data, prev_hash, hash)
    SELECT :id, u.v, u.t, u.a, CAST(u.d AS jsonb), u.p, u.h
    FROM unnest(CAST(:ev_v AS integer[]), CAST(:ev_t AS text[]),
        CAST(:ev_a AS timestamptz[]), CAST(:ev_d AS text[]),
        CAST(:ev_p AS bytea[]), CAST(:ev_h AS bytea[])) AS u(v, t, a, d, p, h)
    RETURNING 1)"""
_OUTBOX = """ob AS (
    INSERT INTO outbox (event_id, type, stream_id, payload, created_at,
        trace_context)
    SELECT u.i, u.t, :id, CAST(u.p AS jsonb), now(), CAST(:ob_c AS jsonb)
    FROM unnest(CAST(:ob_i AS text[]), CAST(:ob_t AS text[]),
        CAST(:ob_p AS text[])) AS u(i, t, p)
    RETURNING 1)"""


def _statement(with_outbox: bool, with_idempotency: bool) -> Statement:
    parts = [_EVENTS, f"proj AS ({UPSERT} RETURNING 1)"]
    if with_outbox:
        parts.append(_OUTBOX)
    if with_idempotency:
        parts.append(f"idem AS ({COMPLETE} RETURNING 1)")
    return Statement.of("WITH " + ",\n".join(parts) + "\nSELECT count(*) FROM ev")  # nosec B608


_STATEMENTS = {(o, i): _statement(o, i) for o in (False, True) for i in (False, True)}


class SqlaOrderTransactions:
    """One command's view of the orders store (not shared across commands)."""

    def __init__(self, database: Database) -> None:
        self.database = database
        self._hashes: dict[str, bytes] = {}
        self._outbox: list[Notification] = []
        self._response: tuple[str, str, StoredResponse] | None = None

    async def load(self, order_id: str) -> Order | None:
        async with self.database.driver() as conn:
            found = row(await conn.fetchrow(_LOAD.sql, order_id))
        if found is None:
            return None
        self._hashes[order_id] = bytes(found.last_hash)
        return order_from_row(found)

    def publish(self, notifications: list[Notification]) -> None:
        self._outbox += notifications

    def respond(self, caller: str, key: str, response: StoredResponse) -> None:
        self._response = (caller, key, response)

    async def record(
        self, before_version: int, after: Order, events: list[OrderEvent]
    ) -> None:
        if not events:  # nothing happened: only the response to store
            if self._response is not None:
                done = completion_params(*self._response)
                async with self.database.driver() as conn:
                    await conn.execute(_COMPLETE.sql, *_COMPLETE.args(done))
            self._outbox, self._response = [], None
            return
        prev = self._hashes.get(after.id, GENESIS) if before_version else GENESIS
        links = chained(before_version, events, prev)
        params = row_params(after, links[-1][3]) | {
            "ev_v": [v for v, _, _, _ in links],
            "ev_t": [e.type for _, e, _, _ in links],
            "ev_a": [e.at for _, e, _, _ in links],
            "ev_d": [event_json(e) for _, e, _, _ in links],
            "ev_p": [p for _, _, p, _ in links],
            "ev_h": [h for _, _, _, h in links],
        }
        if self._outbox:
            params |= {
                "ob_i": [n.event_id for n in self._outbox],
                "ob_t": [n.type for n in self._outbox],
                "ob_p": [orjson.dumps(n.payload).decode() for n in self._outbox],
                "ob_c": tracing.current_trace_context(),
            }
        if self._response is not None:
            params |= completion_params(*self._response)
        statement = _STATEMENTS[(bool(self._outbox), self._response is not None)]
        self._outbox, self._response = [], None
        try:
            async with self.database.driver() as conn:
                await conn.execute(statement.sql, *statement.args(params))
        except UniqueViolation as error:
            raise StreamConflict(after.id) from error
        self._hashes[after.id] = links[-1][3]

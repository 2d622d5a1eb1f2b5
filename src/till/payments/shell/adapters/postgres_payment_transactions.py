"""TransactionRepositoryPort and NotificationPublisherPort in PostgreSQL, for
one command. `record` writes the events (hash-chained), the projection row, the
ledger postings of money that moved, the buffered outbox rows and the
idempotency response in ONE statement: a single round trip, atomic without
BEGIN/COMMIT (a statement is its own transaction).
A second `record` in the same command (after a processor call) is a second
statement, so the attempt is on record before the processor is asked."""

import orjson

from till.kernel.idempotency import StoredResponse
from till.payments.core.audit import GENESIS
from till.payments.core.errors import StreamConflict
from till.payments.core.events import PaymentEvent
from till.payments.core.ledger import postings_for
from till.payments.core.models import Payment
from till.payments.core.notifications import Notification
from till.payments.shell.adapters.postgres_event_store import (
    SqlaPaymentEventStore,
    chained,
    event_json,
    last_hash,
)
from till.payments.shell.adapters.postgres_ledger_rows import (
    ledger_ctes,
    ledger_params,
)
from till.payments.shell.adapters.postgres_payment_rows import (
    SELECT,
    UPSERT,
    payment_from_row,
    row_params,
)
from till.platform import tracing
from till.platform.database import Database
from till.platform.driver_statements import Statement, UniqueViolation, row
from till.platform.postgres_idempotency import COMPLETE, completion_params

_COMPLETE = Statement.of(COMPLETE)
_LOAD = Statement.of(f"SELECT {SELECT} FROM payments WHERE id = :id")  # noqa: S608  # nosec B608
_EVENTS = """ev AS (
    INSERT INTO payment_events (stream_id, version, type, at, amount, data,
        prev_hash, hash)
    SELECT :id, u.v, u.t, u.a, u.m, CAST(u.d AS jsonb), u.p, u.h
    FROM unnest(CAST(:ev_v AS integer[]), CAST(:ev_t AS text[]),
        CAST(:ev_a AS timestamptz[]), CAST(:ev_m AS bigint[]),
        CAST(:ev_d AS text[]), CAST(:ev_p AS bytea[]), CAST(:ev_h AS bytea[]))
        AS u(v, t, a, m, d, p, h)
    RETURNING 1)"""
_OUTBOX = """ob AS (
    INSERT INTO outbox (event_id, type, stream_id, payload, created_at,
        trace_context)
    SELECT u.i, u.t, :id, CAST(u.p AS jsonb), now(), CAST(:ob_c AS jsonb)
    FROM unnest(CAST(:ob_i AS text[]), CAST(:ob_t AS text[]),
        CAST(:ob_p AS text[])) AS u(i, t, p)
    RETURNING 1)"""


def _statement(
    with_outbox: bool, with_idempotency: bool, with_ledger: bool
) -> Statement:
    parts = [_EVENTS, f"proj AS ({UPSERT} RETURNING 1)"]
    if with_ledger:
        parts.append(ledger_ctes())
    if with_outbox:
        parts.append(_OUTBOX)
    if with_idempotency:
        parts.append(f"idem AS ({COMPLETE} RETURNING 1)")
    return Statement.of("WITH " + ",\n".join(parts) + "\nSELECT count(*) FROM ev")  # nosec B608


_FLAGS = (False, True)
_STATEMENTS = {
    (o, i, led): _statement(o, i, led) for o in _FLAGS for i in _FLAGS for led in _FLAGS
}


class SqlaPaymentTransactions:
    """One command's view of the payments store (not shared across commands)."""

    def __init__(self, database: Database) -> None:
        self.database = database
        self._hashes: dict[str, bytes] = {}
        self._outbox: list[Notification] = []
        self._response: tuple[str, str, StoredResponse] | None = None

    async def load(self, payment_id: str) -> Payment | None:
        async with self.database.driver() as conn:
            found = row(await conn.fetchrow(_LOAD.sql, payment_id))
        if found is None:
            return None
        if found.last_hash is not None:  # rows from before 0006 have none
            self._hashes[payment_id] = bytes(found.last_hash)
        return payment_from_row(found)

    async def events(self, payment_id: str) -> list[PaymentEvent]:
        async with self.database.read() as conn:
            return await SqlaPaymentEventStore(conn).load(payment_id)

    def publish(self, notifications: list[Notification]) -> None:
        self._outbox += notifications

    async def settle(self) -> None:
        """Nothing to do after a command: every record committed itself."""

    def respond(self, caller: str, key: str, response: StoredResponse) -> None:
        """Store this idempotent response with the next `record`."""
        self._response = (caller, key, response)

    async def record(
        self, before_version: int, after: Payment, events: list[PaymentEvent]
    ) -> None:
        if not events:  # nothing happened: only the response to store
            if self._response is not None:
                done = completion_params(*self._response)
                async with self.database.driver() as conn:
                    await conn.execute(_COMPLETE.sql, *_COMPLETE.args(done))
            self._outbox, self._response = [], None
            return
        prev = self._hashes.get(after.id)
        if prev is None and before_version > 0:
            async with self.database.read() as conn:
                prev = await last_hash(conn, after.id)
        links = chained(before_version, events, prev or GENESIS)
        params = row_params(after, links[-1][3]) | {
            "ev_v": [v for v, _, _, _ in links],
            "ev_t": [e.type for _, e, _, _ in links],
            "ev_a": [e.at for _, e, _, _ in links],
            "ev_m": [e.amount for _, e, _, _ in links],
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
        postings = postings_for(after, before_version, events)
        if postings:
            params |= ledger_params(postings)
        flags = (bool(self._outbox), self._response is not None, bool(postings))
        statement = _STATEMENTS[flags]
        # buffers go with this attempt, written or not: a retry buffers afresh
        self._outbox, self._response = [], None
        try:
            async with self.database.driver() as conn:
                await conn.execute(statement.sql, *statement.args(params))
        except UniqueViolation as error:
            raise StreamConflict(after.id) from error
        self._hashes[after.id] = links[-1][3]

"""Ledger postings as rows: the CTE parts that write them inside another
statement (a payment record, a settlement), so postings commit with the events
they come from, in the same round trip. The balance trigger (0015) refuses a
transaction whose entries do not sum to zero; UNIQUE (source_id,
source_version) refuses a second posting of the same event."""

from typing import Any

from till.kernel.ids import new_id
from till.payments.core.ledger import Posting

# `:lt_when` lets a caller make the writes conditional (a settlement posts its
# payout only if its own row was inserted); `TRUE` otherwise.
LEDGER_CTES = """lt AS (
    INSERT INTO ledger_transactions (id, kind, currency, occurred_at, source_id,
        source_version, reference)
    SELECT u.i, u.k, u.c, u.a, u.s, u.v, u.r
    FROM unnest(CAST(:lt_i AS text[]), CAST(:lt_k AS text[]),
        CAST(:lt_c AS text[]), CAST(:lt_a AS timestamptz[]),
        CAST(:lt_s AS text[]), CAST(:lt_v AS integer[]), CAST(:lt_r AS text[]))
        AS u(i, k, c, a, s, v, r)
    WHERE {when}
    RETURNING id),
le AS (
    INSERT INTO ledger_entries (transaction_id, line, account, amount)
    SELECT u.t, u.l, u.k, u.m
    FROM unnest(CAST(:le_t AS text[]), CAST(:le_l AS smallint[]),
        CAST(:le_k AS text[]), CAST(:le_m AS bigint[])) AS u(t, l, k, m)
    WHERE u.t IN (SELECT id FROM lt)
    RETURNING 1)"""


def ledger_ctes(when: str = "TRUE") -> str:
    return LEDGER_CTES.replace("{when}", when)


def ledger_params(postings: list[Posting]) -> dict[str, Any]:
    ids = [new_id("ltx") for _ in postings]
    entries = [
        (tx, line, entry.account.value, entry.amount)
        for tx, posting in zip(ids, postings, strict=True)
        for line, entry in enumerate(posting.entries)
    ]
    return {
        "lt_i": ids,
        "lt_k": [p.kind.value for p in postings],
        "lt_c": [p.currency for p in postings],
        "lt_a": [p.at for p in postings],
        "lt_s": [p.source[0] for p in postings],
        "lt_v": [p.source[1] for p in postings],
        "lt_r": [p.reference for p in postings],
        "le_t": [e[0] for e in entries],
        "le_l": [e[1] for e in entries],
        "le_k": [e[2] for e in entries],
        "le_m": [e[3] for e in entries],
    }

"""payments: the double-entry ledger, settlements, reconciliations and the
sandbox processor's own records

Revision ID: 0015
Revises: 0014
"""

from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

_ACCOUNTS = "'processor_balance', 'sales', 'refunds', 'processing_fees', 'bank'"
_STATEMENTS = [
    # source: the payment event (`pay_…`, stream version) or the settlement
    # (`stl_…`, 0) a transaction comes from; unique, so nothing posts twice.
    """
    CREATE TABLE ledger_transactions (
        id text PRIMARY KEY,
        kind text NOT NULL CHECK (kind IN ('capture', 'refund', 'payout')),
        currency text NOT NULL,
        occurred_at timestamptz NOT NULL,
        source_id text NOT NULL,
        source_version integer NOT NULL CHECK (source_version >= 0),
        reference text,
        recorded_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (source_id, source_version)
    )
    """,
    "CREATE INDEX ledger_transactions_by_time ON ledger_transactions (occurred_at)",
    f"""
    CREATE TABLE ledger_entries (
        transaction_id text NOT NULL REFERENCES ledger_transactions (id),
        line smallint NOT NULL CHECK (line >= 0),
        account text NOT NULL CHECK (account IN ({_ACCOUNTS})),
        amount bigint NOT NULL CHECK (amount <> 0),
        PRIMARY KEY (transaction_id, line)
    )
    """,
    # A transaction's entries are written by one statement and never changed,
    # so checking each statement's new rows keeps every transaction at zero.
    """
    CREATE FUNCTION ledger_entries_balance() RETURNS trigger
    LANGUAGE plpgsql AS $$
    DECLARE unbalanced text;
    BEGIN
        SELECT n.transaction_id INTO unbalanced FROM new_entries n
        GROUP BY n.transaction_id HAVING sum(n.amount) <> 0 LIMIT 1;
        IF unbalanced IS NOT NULL THEN
            RAISE EXCEPTION 'ledger transaction % does not balance', unbalanced
                USING ERRCODE = 'check_violation';
        END IF;
        RETURN NULL;
    END $$
    """,
    """
    CREATE TRIGGER ledger_entries_balanced AFTER INSERT ON ledger_entries
    REFERENCING NEW TABLE AS new_entries
    FOR EACH STATEMENT EXECUTE FUNCTION ledger_entries_balance()
    """,
    """
    CREATE FUNCTION ledger_is_append_only() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION 'the ledger is append-only (% refused)', TG_OP
            USING ERRCODE = 'insufficient_privilege';
    END $$
    """,
    """
    CREATE TRIGGER ledger_transactions_append_only
    BEFORE UPDATE OR DELETE ON ledger_transactions
    FOR EACH ROW EXECUTE FUNCTION ledger_is_append_only()
    """,
    """
    CREATE TRIGGER ledger_entries_append_only
    BEFORE UPDATE OR DELETE ON ledger_entries
    FOR EACH ROW EXECUTE FUNCTION ledger_is_append_only()
    """,
    """
    CREATE TABLE settlements (
        id text PRIMARY KEY,
        day date NOT NULL,
        currency text NOT NULL,
        gross bigint NOT NULL,
        refunds bigint NOT NULL,
        fees bigint NOT NULL,
        net bigint NOT NULL,
        count integer NOT NULL,
        created_at timestamptz NOT NULL,
        UNIQUE (day, currency)
    )
    """,
    """
    CREATE TABLE reconciliations (
        id text PRIMARY KEY,
        period_start timestamptz NOT NULL,
        period_end timestamptz NOT NULL,
        matched integer NOT NULL,
        missing_at_processor integer NOT NULL,
        missing_in_ledger integer NOT NULL,
        mismatched integer NOT NULL,
        report jsonb NOT NULL,
        created_at timestamptz NOT NULL
    )
    """,
    # The sandbox processor's own book of money moved (charges captured,
    # refunds), so a reconciliation run in any process sees what it did.
    """
    CREATE TABLE sandbox_transactions (
        id text PRIMARY KEY,
        kind text NOT NULL CHECK (kind IN ('charge', 'refund')),
        reference text NOT NULL,
        amount bigint NOT NULL CHECK (amount > 0),
        currency text NOT NULL,
        fee bigint NOT NULL CHECK (fee >= 0),
        created_at timestamptz NOT NULL
    )
    """,
    "CREATE INDEX sandbox_transactions_by_time ON sandbox_transactions (created_at)",
]

# Payments recorded before the ledger existed post now, from their events
# (no fee was recorded then: 0). Later postings come from the record itself.
_BACKFILL = [
    """
    INSERT INTO ledger_transactions (id, kind, currency, occurred_at, source_id,
        source_version, reference)
    SELECT 'ltx_backfill_' || e.seq,
        CASE e.type WHEN 'payment.completed' THEN 'capture' ELSE 'refund' END,
        p.currency, e.at, e.stream_id, e.version,
        CASE e.type WHEN 'payment.completed'
            THEN coalesce(e.data ->> 'reference', p.gateway_reference)
            ELSE e.data ->> 'reference' END
    FROM payment_events e JOIN payments p ON p.id = e.stream_id
    WHERE e.type IN ('payment.completed', 'refund.completed') AND e.amount > 0
    """,
    """
    INSERT INTO ledger_entries (transaction_id, line, account, amount)
    SELECT t.id, l.line, l.account, l.amount
    FROM ledger_transactions t JOIN payment_events e
        ON e.stream_id = t.source_id AND e.version = t.source_version
    CROSS JOIN LATERAL (VALUES
        (0, CASE t.kind WHEN 'capture' THEN 'processor_balance' ELSE 'refunds' END,
            e.amount),
        (1, CASE t.kind WHEN 'capture' THEN 'sales' ELSE 'processor_balance' END,
            -e.amount)) AS l(line, account, amount)
    """,
]


def upgrade() -> None:
    for statement in _STATEMENTS + _BACKFILL:
        op.execute(statement)


def downgrade() -> None:
    for table in (
        "sandbox_transactions",
        "reconciliations",
        "settlements",
        "ledger_entries",
        "ledger_transactions",
    ):
        op.execute(f"DROP TABLE {table}")
    op.execute("DROP FUNCTION ledger_is_append_only()")
    op.execute("DROP FUNCTION ledger_entries_balance()")

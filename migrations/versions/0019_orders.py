"""orders: the append-only, hash-chained order event store and its read model

Outbox rows (order.*) and idempotency records use the shared `outbox` and
`idempotency_keys` tables of 0006.

Revision ID: 0019
Revises: 0018
"""

from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None

_STATEMENTS = [
    """
    CREATE TABLE order_events (
        seq bigserial PRIMARY KEY,
        stream_id text NOT NULL,
        version integer NOT NULL CHECK (version > 0),
        type text NOT NULL,
        at timestamptz NOT NULL,
        data jsonb NOT NULL,
        prev_hash bytea NOT NULL,
        hash bytea NOT NULL,
        recorded_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (stream_id, version)
    )
    """,
    """
    CREATE FUNCTION order_events_are_append_only() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION 'order_events is append-only (% refused)', TG_OP
            USING ERRCODE = 'insufficient_privilege';
    END $$
    """,
    """
    CREATE TRIGGER order_events_no_update_or_delete
    BEFORE UPDATE OR DELETE ON order_events
    FOR EACH ROW EXECUTE FUNCTION order_events_are_append_only()
    """,
    """
    CREATE TRIGGER order_events_no_truncate
    BEFORE TRUNCATE ON order_events
    FOR EACH STATEMENT EXECUTE FUNCTION order_events_are_append_only()
    """,
    """
    CREATE TABLE orders (
        id text PRIMARY KEY,
        customer_id text NOT NULL,
        currency text NOT NULL,
        status text NOT NULL,
        items jsonb NOT NULL,
        subtotal bigint NOT NULL CHECK (subtotal >= 0),
        total bigint NOT NULL CHECK (total >= 0),
        payment_id text,
        refund_id text,
        legacy_id bigint UNIQUE,
        source text NOT NULL,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        version integer NOT NULL,
        last_hash bytea NOT NULL
    )
    """,
    "CREATE INDEX orders_by_customer ON orders (customer_id, id DESC)",
    "CREATE INDEX orders_by_status ON orders (status, id DESC)",
    "CREATE INDEX orders_by_payment ON orders (payment_id) WHERE payment_id IS NOT NULL",
]


def upgrade() -> None:
    for statement in _STATEMENTS:
        op.execute(statement)


def downgrade() -> None:
    op.execute("DROP TABLE orders")
    op.execute("DROP TABLE order_events")
    op.execute("DROP FUNCTION order_events_are_append_only()")

"""payments: what the commands need — more projection fields, the outbox, the
idempotency records

Revision ID: 0006
Revises: 0005
"""

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

_STATEMENTS = [
    # last_hash: the stream's newest event hash, so an append needs no extra read
    """
    ALTER TABLE payments
        ADD COLUMN description text,
        ADD COLUMN payment_method text,
        ADD COLUMN failure_message text,
        ADD COLUMN gateway text,
        ADD COLUMN gateway_reference text,
        ADD COLUMN refunds jsonb NOT NULL DEFAULT '[]',
        ADD COLUMN last_hash bytea
    """,
    "CREATE INDEX payments_by_status ON payments (status, id DESC)",
    """
    CREATE TABLE outbox (
        seq bigserial PRIMARY KEY,
        event_id text NOT NULL UNIQUE,
        type text NOT NULL,
        stream_id text NOT NULL,
        payload jsonb NOT NULL,
        created_at timestamptz NOT NULL,
        published_at timestamptz
    )
    """,
    "CREATE INDEX outbox_unpublished ON outbox (seq) WHERE published_at IS NULL",
    """
    CREATE TABLE idempotency_keys (
        caller text NOT NULL,
        key text NOT NULL,
        fingerprint bytea NOT NULL,
        state text NOT NULL CHECK (state IN ('running', 'done')),
        resource_id text NOT NULL,
        locked_until timestamptz NOT NULL,
        response_status integer,
        response_type text,
        response_body bytea,
        created_at timestamptz NOT NULL,
        expires_at timestamptz NOT NULL,
        PRIMARY KEY (caller, key)
    )
    """,
    "CREATE INDEX idempotency_keys_expiry ON idempotency_keys (expires_at)",
]


def upgrade() -> None:
    for statement in _STATEMENTS:
        op.execute(statement)


def downgrade() -> None:
    op.execute("DROP TABLE idempotency_keys")
    op.execute("DROP TABLE outbox")
    op.execute("DROP INDEX payments_by_status")
    for column in (
        "description",
        "payment_method",
        "failure_message",
        "gateway",
        "gateway_reference",
        "refunds",
        "last_hash",
    ):
        op.execute(f"ALTER TABLE payments DROP COLUMN {column}")

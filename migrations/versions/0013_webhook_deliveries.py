"""webhooks: one delivery per (endpoint, event), and every attempt at it

Revision ID: 0013
Revises: 0012
"""

from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        """
        CREATE TABLE webhook_deliveries (
            id text PRIMARY KEY,
            endpoint_id text NOT NULL,
            event_id text NOT NULL,
            event_type text NOT NULL,
            payload bytea NOT NULL,
            status text NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed')),
            attempts integer NOT NULL DEFAULT 0,
            next_attempt_at timestamptz,
            first_attempt_at timestamptz,
            created_at timestamptz NOT NULL,
            UNIQUE (endpoint_id, event_id)
        )
        """
    )
    op.execute(
        "CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) "
        "WHERE status = 'pending'"
    )
    op.execute(
        """
        CREATE TABLE webhook_attempts (
            delivery_id text NOT NULL REFERENCES webhook_deliveries (id)
                ON DELETE CASCADE,
            attempted_at timestamptz NOT NULL,
            status_code integer,
            latency_ms integer NOT NULL,
            response_excerpt text,
            error text,
            PRIMARY KEY (delivery_id, attempted_at)
        )
        """
    )


def downgrade() -> None:
    op.execute("DROP TABLE webhook_attempts")
    op.execute("DROP TABLE webhook_deliveries")

"""payments: the read model (projection) of the payment event streams

Revision ID: 0004
Revises: 0003
"""

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        """
        CREATE TABLE payments (
            id text PRIMARY KEY,
            customer_id text,
            amount bigint NOT NULL,
            currency text NOT NULL,
            status text NOT NULL,
            capture_method text NOT NULL,
            amount_capturable bigint NOT NULL,
            amount_received bigint NOT NULL,
            amount_refunded bigint NOT NULL,
            failure_code text,
            metadata jsonb NOT NULL,
            created_at timestamptz NOT NULL,
            updated_at timestamptz NOT NULL,
            version integer NOT NULL
        )
        """
    )
    op.execute("CREATE INDEX payments_by_customer ON payments (customer_id, id DESC)")


def downgrade() -> None:
    op.execute("DROP TABLE payments")

"""payments: Stripe events received (deduplicated by id); payments found by
their processor reference

Revision ID: 0014
Revises: 0013
"""

from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        """
        CREATE TABLE stripe_events (
            id text PRIMARY KEY,
            type text NOT NULL,
            received_at timestamptz NOT NULL
        )
        """
    )
    op.execute(
        "CREATE INDEX payments_by_gateway_reference ON payments (gateway_reference) "
        "WHERE gateway_reference IS NOT NULL"
    )


def downgrade() -> None:
    op.execute("DROP INDEX payments_by_gateway_reference")
    op.execute("DROP TABLE stripe_events")

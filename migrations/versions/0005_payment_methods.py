"""payments: tokenised payment methods (the secret part encrypted)

Revision ID: 0005
Revises: 0004
"""

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        """
        CREATE TABLE payment_methods (
            id text PRIMARY KEY,
            type text NOT NULL,
            customer_id text,
            brand text,
            last4 text NOT NULL,
            exp_month integer,
            exp_year integer,
            sealed_number text NOT NULL,
            created_at timestamptz NOT NULL
        )
        """
    )


def downgrade() -> None:
    op.execute("DROP TABLE payment_methods")

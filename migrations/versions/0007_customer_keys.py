"""payments: a data key per customer for personal data (crypto-shredding), and
payment methods' billing details sealed under it

Revision ID: 0007
Revises: 0006
"""

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        """
        CREATE TABLE customer_keys (
            subject text PRIMARY KEY,
            wrapped_key text,
            created_at timestamptz NOT NULL,
            shredded_at timestamptz,
            CHECK ((wrapped_key IS NULL) = (shredded_at IS NOT NULL))
        )
        """
    )
    op.execute(
        "ALTER TABLE payment_methods ADD COLUMN billing_sealed text, "
        "ADD COLUMN billing_subject text"
    )


def downgrade() -> None:
    op.execute(
        "ALTER TABLE payment_methods DROP COLUMN billing_sealed, "
        "DROP COLUMN billing_subject"
    )
    op.execute("DROP TABLE customer_keys")

"""payments: the sandbox processor's charges and the answers it gave under
each idempotency key, shared by every till process as a real processor is
(before, each process kept its own in memory: a retry through another process
charged again, a refund through another process found no charge)

Revision ID: 0025
Revises: 0024
"""

from alembic import op

revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        """
        CREATE TABLE sandbox_charges (
            reference text PRIMARY KEY,
            payment_id text NOT NULL,
            status text NOT NULL,
            currency text NOT NULL,
            amount bigint NOT NULL CHECK (amount >= 0),
            captured bigint NOT NULL CHECK (captured >= 0),
            refunded bigint NOT NULL CHECK (refunded >= 0 AND refunded <= captured),
            decline_code text,
            settles_at timestamptz,
            voided boolean NOT NULL DEFAULT false,
            created_at timestamptz NOT NULL DEFAULT now()
        )
        """
    )
    op.execute(
        "CREATE INDEX sandbox_charges_by_payment ON sandbox_charges (payment_id)"
    )
    op.execute(
        """
        CREATE TABLE sandbox_answers (
            key text PRIMARY KEY,
            fingerprint bytea NOT NULL,
            outcome text NOT NULL,
            reference text,
            decline_code text,
            message text,
            fee bigint,
            created_at timestamptz NOT NULL DEFAULT now()
        )
        """
    )


def downgrade() -> None:
    op.execute("DROP TABLE sandbox_answers")
    op.execute("DROP TABLE sandbox_charges")

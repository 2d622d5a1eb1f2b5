"""events: the consumers' inbox of processed event ids (idempotent consumers)

Revision ID: 0012
Revises: 0011
"""

from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        """
        CREATE TABLE inbox (
            consumer text NOT NULL,
            event_id text NOT NULL,
            processed_at timestamptz NOT NULL,
            PRIMARY KEY (consumer, event_id)
        )
        """
    )


def downgrade() -> None:
    op.execute("DROP TABLE inbox")

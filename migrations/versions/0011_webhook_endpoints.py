"""webhooks: the endpoints (secrets sealed under the data keys)

Revision ID: 0011
Revises: 0010
"""

from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        """
        CREATE TABLE webhook_endpoints (
            id text PRIMARY KEY,
            url text NOT NULL,
            events text[] NOT NULL,
            description text,
            secret_sealed text NOT NULL,
            previous_sealed text,
            previous_until timestamptz,
            disabled_at timestamptz,
            created_at timestamptz NOT NULL
        )
        """
    )


def downgrade() -> None:
    op.execute("DROP TABLE webhook_endpoints")

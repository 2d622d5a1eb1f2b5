"""events: GET /v1/events reads published outbox rows by type, newest first

Revision ID: 0009
Revises: 0008
"""

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        "CREATE INDEX outbox_published_by_type ON outbox (type, seq DESC) "
        "WHERE published_at IS NOT NULL"
    )
    op.execute(
        "CREATE INDEX outbox_published ON outbox (seq DESC) "
        "WHERE published_at IS NOT NULL"
    )


def downgrade() -> None:
    op.execute("DROP INDEX outbox_published")
    op.execute("DROP INDEX outbox_published_by_type")

"""sessions: index for loading the recently revoked ones at subscription time

Revision ID: 0002
Revises: 0001
"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        "CREATE INDEX sessions_revoked_at ON sessions (revoked_at) "
        "WHERE revoked_at IS NOT NULL"
    )


def downgrade() -> None:
    op.execute("DROP INDEX sessions_revoked_at")

"""payments: the fraud screening's verdict and the review queue

Revision ID: 0016
Revises: 0015
"""

from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("ALTER TABLE payments ADD COLUMN risk jsonb, ADD COLUMN review_id text")
    op.execute("CREATE UNIQUE INDEX payments_by_review_id ON payments (review_id)")
    # the open queue, oldest first
    op.execute(
        "CREATE INDEX payments_in_review ON payments (updated_at, id) "
        "WHERE status = 'requires_review'"
    )


def downgrade() -> None:
    op.execute("DROP INDEX payments_in_review")
    op.execute("DROP INDEX payments_by_review_id")
    op.execute("ALTER TABLE payments DROP COLUMN review_id, DROP COLUMN risk")

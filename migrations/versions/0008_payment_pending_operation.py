"""payments: the capture or void in flight at the processor, on the read model

Revision ID: 0008
Revises: 0007
"""

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("ALTER TABLE payments ADD COLUMN pending_operation text")


def downgrade() -> None:
    op.execute("ALTER TABLE payments DROP COLUMN pending_operation")

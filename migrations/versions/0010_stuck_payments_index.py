"""payments: find payments waiting on the processor (the janitor's query)

Revision ID: 0010
Revises: 0009
"""

from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        "CREATE INDEX payments_waiting_on_processor ON payments (updated_at) "
        "WHERE status = 'processing' OR pending_operation IS NOT NULL"
    )


def downgrade() -> None:
    op.execute("DROP INDEX payments_waiting_on_processor")

"""outbox: the trace context of the command that wrote each row (issue 6)

`trace_context`: the W3C headers (`traceparent`, `tracestate`) of the span
the row was written in, so the relay's publish span, and the consumers after
it, continue the command's trace. NULL when tracing was off. A nullable
column without a default: adding it rewrites nothing.

Revision ID: 0024
Revises: 0023
"""

from alembic import op

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("ALTER TABLE outbox ADD COLUMN trace_context jsonb")


def downgrade() -> None:
    op.execute("ALTER TABLE outbox DROP COLUMN trace_context")

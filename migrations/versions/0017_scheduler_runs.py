"""scheduler: every run of a scheduled job, one row per run

Revision ID: 0017
Revises: 0016
"""

from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        """
        CREATE TABLE scheduler_runs (
            id bigserial PRIMARY KEY,
            job text NOT NULL,
            slot timestamptz NOT NULL,
            holder text NOT NULL,
            started_at timestamptz NOT NULL,
            finished_at timestamptz,
            count bigint,
            error text
        )
        """
    )
    # A slot has at most one run that has not failed: the runs table itself
    # refuses a second one, whatever the locks did.
    op.execute(
        "CREATE UNIQUE INDEX scheduler_runs_once_per_slot ON scheduler_runs "
        "(job, slot) WHERE error IS NULL"
    )
    op.execute("CREATE INDEX scheduler_runs_by_slot ON scheduler_runs (job, slot)")
    op.execute(
        "CREATE INDEX scheduler_runs_unfinished ON scheduler_runs (job) "
        "WHERE finished_at IS NULL"
    )
    op.execute("CREATE INDEX scheduler_runs_by_start ON scheduler_runs (started_at)")


def downgrade() -> None:
    op.execute("DROP TABLE scheduler_runs")

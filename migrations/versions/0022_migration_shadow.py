"""migration: shadow reads' verdicts (issue 5, the strangler router)

Revision ID: 0022
Revises: 0021
"""

from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None

_STATEMENTS = [
    # One row per route and hour: the mismatch rate's denominator, without a
    # row per comparison.
    """
    CREATE TABLE migration_shadow_counts (
        hour timestamptz NOT NULL,
        route text NOT NULL,
        compared bigint NOT NULL DEFAULT 0,
        mismatched bigint NOT NULL DEFAULT 0,
        PRIMARY KEY (hour, route)
    )
    """,
    # What disagreed, for whoever investigates (values in legacy space).
    """
    CREATE TABLE migration_shadow_mismatches (
        id bigserial PRIMARY KEY,
        route text NOT NULL,
        order_id text NOT NULL,
        differences jsonb NOT NULL,
        observed_at timestamptz NOT NULL
    )
    """,
    "CREATE INDEX migration_shadow_mismatches_order "
    "ON migration_shadow_mismatches (order_id, observed_at)",
]


def upgrade() -> None:
    for statement in _STATEMENTS:
        op.execute(statement)


def downgrade() -> None:
    op.execute("DROP TABLE migration_shadow_mismatches")
    op.execute("DROP TABLE migration_shadow_counts")

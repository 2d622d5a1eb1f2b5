"""legacy migration: till customer id ↔ legacy integer customer id (issue 5)

Revision ID: 0021
Revises: 0020

LOCAL RUNS: down_revision is "0018" on the legacymap branch because 0019
(orders) and 0020 (flags) are written in parallel; the lead sets it to "0020"
when merging.
"""

from alembic import op

revision = "0021"
down_revision = "0018"  # "0020" once orders (0019) and flags (0020) are merged
branch_labels = None
depends_on = None

_STATEMENTS = [
    # Legacy ids allocated to till customers start far above the shop's own
    # (the seed's are < 10,000; a real shop's stay well under 10^9).
    "CREATE SEQUENCE legacy_customer_ids AS bigint START WITH 1000000000",
    """
    CREATE TABLE legacy_customers (
        customer_id text PRIMARY KEY,
        legacy_customer_id bigint NOT NULL UNIQUE CHECK (legacy_customer_id > 0)
    )
    """,
]


def upgrade() -> None:
    for statement in _STATEMENTS:
        op.execute(statement)


def downgrade() -> None:
    op.execute("DROP TABLE legacy_customers")
    op.execute("DROP SEQUENCE legacy_customer_ids")

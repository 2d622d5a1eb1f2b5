"""legacy migration: till customer id ↔ legacy integer customer id (issue 5)

Revision ID: 0021
Revises: 0020
"""

from alembic import op

revision = "0021"
down_revision = "0020"
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

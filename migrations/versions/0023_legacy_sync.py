"""legacy migration: the dual-write's per-order sync state, the backfill's
checkpoint and the reconciliation runs (issue 5)

`legacy_sync`: one row per order heard of; `order_data` is the newest order
object heard (by its `updated_at`), `synced_updated_at` what legacy holds.
Pending while `pending_since` is set; `next_attempt_at` is both the back-off
and the lease of a writer working on the row.

Revision ID: 0023
Revises: 0021 (the lead re-chains it after the router's 0022)
"""

from alembic import op

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None

_STATEMENTS = [
    """
    CREATE TABLE legacy_sync (
        order_id text PRIMARY KEY,
        order_data jsonb NOT NULL,
        heard_updated_at timestamptz NOT NULL,
        synced_updated_at timestamptz,
        legacy_id bigint,
        pending_since timestamptz,
        pending_events integer NOT NULL DEFAULT 0 CHECK (pending_events >= 0),
        attempts integer NOT NULL DEFAULT 0,
        next_attempt_at timestamptz,
        parked boolean NOT NULL DEFAULT false,
        last_error text
    )
    """,
    "CREATE INDEX legacy_sync_pending ON legacy_sync (pending_since) "
    "WHERE pending_since IS NOT NULL",
    """
    CREATE TABLE legacy_backfill_checkpoints (
        name text PRIMARY KEY,
        last_legacy_id bigint NOT NULL,
        imported bigint NOT NULL DEFAULT 0,
        skipped bigint NOT NULL DEFAULT 0,
        updated_at timestamptz NOT NULL
    )
    """,
    """
    CREATE TABLE legacy_reconciliations (
        id bigserial PRIMARY KEY,
        started_at timestamptz NOT NULL,
        finished_at timestamptz NOT NULL,
        repair text CHECK (repair IN ('new', 'legacy')),
        compared bigint NOT NULL,
        matched bigint NOT NULL,
        missing_new bigint NOT NULL,
        missing_legacy bigint NOT NULL,
        mismatched bigint NOT NULL,
        deleted_in_legacy bigint NOT NULL,
        repaired bigint NOT NULL,
        not_repaired bigint NOT NULL,
        orders_per_second double precision NOT NULL,
        samples jsonb NOT NULL
    )
    """,
]


def upgrade() -> None:
    for statement in _STATEMENTS:
        op.execute(statement)


def downgrade() -> None:
    op.execute("DROP TABLE legacy_reconciliations")
    op.execute("DROP TABLE legacy_backfill_checkpoints")
    op.execute("DROP TABLE legacy_sync")

"""payments audit: retention with tombstones, and checkpoints of the streams'
heads that find a whole stream deleted behind the system's back (ADR 0011)

Revision ID: 0018
Revises: 0017
"""

from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

_STATEMENTS = [
    # One row per stream deleted by retention, written in the deleting
    # transaction: what the stream was, so `till audit verify` tells a
    # sanctioned deletion from tampering.
    """
    CREATE TABLE payment_stream_tombstones (
        stream_id text PRIMARY KEY,
        events integer NOT NULL,
        last_hash bytea NOT NULL,
        last_event_at timestamptz NOT NULL,
        status text NOT NULL,
        deleted_at timestamptz NOT NULL,
        reason text NOT NULL
    )
    """,
    # Each checkpoint records the heads (event count, newest hash) of the
    # streams that changed since the one before, and a digest chaining it to
    # the previous checkpoint.
    """
    CREATE TABLE payment_audit_checkpoints (
        id bigserial PRIMARY KEY,
        taken_at timestamptz NOT NULL,
        streams integer NOT NULL,
        events bigint NOT NULL,
        digest bytea NOT NULL
    )
    """,
    """
    CREATE TABLE payment_checkpoint_heads (
        stream_id text NOT NULL,
        checkpoint_id bigint NOT NULL REFERENCES payment_audit_checkpoints (id),
        events integer NOT NULL,
        last_hash bytea NOT NULL,
        PRIMARY KEY (stream_id, checkpoint_id)
    )
    """,
    "CREATE INDEX payment_checkpoint_heads_by_checkpoint "
    "ON payment_checkpoint_heads (checkpoint_id)",
    # The checkpoint finds the streams changed since the last one.
    "CREATE INDEX payment_events_recorded ON payment_events USING brin (recorded_at)",
    # Retention candidates: settled payments, oldest first.
    """
    CREATE INDEX payments_retainable ON payments (updated_at)
    WHERE pending_operation IS NULL
      AND status IN ('completed', 'partially_refunded', 'refunded', 'failed', 'canceled')
    """,
    # The events stay append-only, with one sanctioned exception: a DELETE in
    # a transaction that set till.audit_retention and tombstoned the stream.
    """
    CREATE OR REPLACE FUNCTION payment_events_are_append_only() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'DELETE'
           AND current_setting('till.audit_retention', true) = 'on'
           AND EXISTS (SELECT 1 FROM payment_stream_tombstones t
                       WHERE t.stream_id = OLD.stream_id
                         AND t.events >= OLD.version) THEN
            RETURN OLD;
        END IF;
        RAISE EXCEPTION 'payment_events is append-only (% refused)', TG_OP
            USING ERRCODE = 'insufficient_privilege';
    END $$
    """,
    """
    CREATE FUNCTION audit_rows_are_append_only() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION '% is append-only (% refused)', TG_TABLE_NAME, TG_OP
            USING ERRCODE = 'insufficient_privilege';
    END $$
    """,
]
_EVIDENCE = [
    "payment_stream_tombstones",
    "payment_audit_checkpoints",
    "payment_checkpoint_heads",
]
for _table in _EVIDENCE:
    _STATEMENTS += [
        f"CREATE TRIGGER {_table}_no_update_or_delete BEFORE UPDATE OR DELETE "
        f"ON {_table} FOR EACH ROW EXECUTE FUNCTION audit_rows_are_append_only()",
        f"CREATE TRIGGER {_table}_no_truncate BEFORE TRUNCATE ON {_table} "
        "FOR EACH STATEMENT EXECUTE FUNCTION audit_rows_are_append_only()",
    ]

_APPEND_ONLY = """
    CREATE OR REPLACE FUNCTION payment_events_are_append_only() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION 'payment_events is append-only (% refused)', TG_OP
            USING ERRCODE = 'insufficient_privilege';
    END $$
"""


def upgrade() -> None:
    for statement in _STATEMENTS:
        op.execute(statement)


def downgrade() -> None:
    op.execute(_APPEND_ONLY)
    for table in reversed(_EVIDENCE):
        op.execute(f"DROP TABLE {table}")
    op.execute("DROP FUNCTION audit_rows_are_append_only()")
    op.execute("DROP INDEX payments_retainable")
    op.execute("DROP INDEX payment_events_recorded")

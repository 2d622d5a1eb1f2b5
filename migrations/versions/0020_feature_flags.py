"""migration toolkit: feature flags and the audit trail of their changes
(issue 5, ADR 0015)

Revision ID: 0020
Revises: 0019
"""

from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None

_STATEMENTS = [
    # One row per flag; `version` counts its changes, so a change is saved only
    # over the flag it was decided on, and caches keep the newest they saw.
    """
    CREATE TABLE feature_flags (
        key text PRIMARY KEY,
        enabled boolean NOT NULL,
        percentage smallint NOT NULL CHECK (percentage BETWEEN 0 AND 100),
        allowlist text[] NOT NULL DEFAULT '{}',
        version bigint NOT NULL CHECK (version >= 1),
        updated_at timestamptz NOT NULL,
        updated_by text NOT NULL
    )
    """,
    # Every change is an admin action: who, when, the flag before (null when
    # the change created it) and after, written in the same transaction.
    """
    CREATE TABLE feature_flag_changes (
        id bigserial PRIMARY KEY,
        flag_key text NOT NULL,
        version bigint NOT NULL,
        changed_at timestamptz NOT NULL,
        changed_by text NOT NULL,
        before jsonb,
        after jsonb NOT NULL,
        UNIQUE (flag_key, version)
    )
    """,
    # Append-only, like the payment audit evidence (the function is 0018's).
    "CREATE TRIGGER feature_flag_changes_no_update_or_delete "
    "BEFORE UPDATE OR DELETE ON feature_flag_changes "
    "FOR EACH ROW EXECUTE FUNCTION audit_rows_are_append_only()",
    "CREATE TRIGGER feature_flag_changes_no_truncate "
    "BEFORE TRUNCATE ON feature_flag_changes "
    "FOR EACH STATEMENT EXECUTE FUNCTION audit_rows_are_append_only()",
]


def upgrade() -> None:
    for statement in _STATEMENTS:
        op.execute(statement)


def downgrade() -> None:
    op.execute("DROP TABLE feature_flag_changes")
    op.execute("DROP TABLE feature_flags")

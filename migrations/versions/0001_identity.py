"""identity: users, sessions, refresh tokens, recovery codes, API keys, signing keys

Revision ID: 0001
Revises:
"""

from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    for statement in _SCHEMA.split(";"):
        if statement.strip():
            op.execute(statement)


_SCHEMA = """
        CREATE TABLE users (
            id text PRIMARY KEY,
            email text NOT NULL UNIQUE,
            name text,
            password_hash text NOT NULL,
            roles text[] NOT NULL,
            created_at timestamptz NOT NULL,
            mfa_enabled boolean NOT NULL DEFAULT false,
            totp_secret text,
            totp_pending_secret text,
            totp_last_step bigint NOT NULL DEFAULT -1
        );
        CREATE TABLE sessions (
            id text PRIMARY KEY,
            user_id text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
            created_at timestamptz NOT NULL,
            last_used_at timestamptz NOT NULL,
            user_agent text,
            ip text,
            revoked_at timestamptz
        );
        CREATE INDEX sessions_by_user ON sessions (user_id, id DESC);
        CREATE TABLE refresh_tokens (
            token_hash bytea PRIMARY KEY,
            session_id text NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
            created_at timestamptz NOT NULL,
            expires_at timestamptz NOT NULL,
            used_at timestamptz
        );
        CREATE INDEX refresh_tokens_by_session ON refresh_tokens (session_id);
        CREATE TABLE recovery_codes (
            user_id text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
            code_hash bytea NOT NULL,
            used_at timestamptz,
            PRIMARY KEY (user_id, code_hash)
        );
        CREATE TABLE api_keys (
            id text PRIMARY KEY,
            name text NOT NULL,
            scopes text[] NOT NULL,
            key_hash bytea NOT NULL UNIQUE,
            created_by text NOT NULL,
            created_at timestamptz NOT NULL,
            last_used_at timestamptz,
            revoked_at timestamptz
        );
        CREATE TABLE signing_keys (
            kid text PRIMARY KEY,
            algorithm text NOT NULL,
            private_key_pem text NOT NULL,
            created_at timestamptz NOT NULL,
            retired_at timestamptz
        );
"""


def downgrade() -> None:
    op.execute(
        "DROP TABLE signing_keys, api_keys, recovery_codes, refresh_tokens, "
        "sessions, users"
    )

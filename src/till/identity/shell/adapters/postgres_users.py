"""Users in PostgreSQL. All SQL of the users table lives here."""

from typing import Any

from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from till.identity.core.email import Email
from till.identity.core.models import User
from till.kernel.errors import Conflict
from till.platform.data_keys import DataKeyring
from till.platform.postgres_reseal import SealedColumn

_SELECT = (
    "SELECT id, email, name, password_hash, roles, created_at, mfa_enabled, "
    "totp_secret, totp_pending_secret, totp_last_step FROM users "
)
_GET = text(_SELECT + "WHERE id = :id")
_GET_FOR_UPDATE = text(_SELECT + "WHERE id = :id FOR UPDATE")
_SET_HASH = text("UPDATE users SET password_hash = :hash WHERE id = :id")
_BY_EMAIL = text(_SELECT + "WHERE email = :email")
_INSERT = text(
    "INSERT INTO users (id, email, name, password_hash, roles, created_at, "
    "mfa_enabled, totp_secret, totp_pending_secret, totp_last_step) "
    "VALUES (:id, :email, :name, :password_hash, "
    ":roles, :created_at, :mfa_enabled, :totp_secret, :totp_pending_secret, "
    ":totp_last_step)"
)
_UPDATE = text(
    "UPDATE users SET name = :name, password_hash = :password_hash, roles = :roles, "
    "mfa_enabled = :mfa_enabled, totp_secret = :totp_secret, "
    "totp_pending_secret = :totp_pending_secret, totp_last_step = :totp_last_step "
    "WHERE id = :id"
)


def _to_user(row: Any, keys: DataKeyring) -> User:
    return User(
        id=row.id,
        email=Email(row.email),
        name=row.name,
        password_hash=row.password_hash,
        roles=frozenset(row.roles),
        created_at=row.created_at,
        mfa_enabled=row.mfa_enabled,
        totp_secret=_open(keys, row.totp_secret, f"totp_secret:{row.id}"),
        totp_pending_secret=_open(
            keys, row.totp_pending_secret, f"totp_pending_secret:{row.id}"
        ),
        totp_last_step=row.totp_last_step,
    )


def _open(keys: DataKeyring, value: str | None, context: str) -> str | None:
    return None if value is None else keys.decrypt(value, context)


def _seal(keys: DataKeyring, value: str | None, context: str) -> str | None:
    return None if value is None else keys.encrypt(value, context)


def _params(user: User, keys: DataKeyring) -> dict[str, Any]:
    return {
        "id": user.id,
        "email": user.email.value,
        "name": user.name,
        "password_hash": user.password_hash,
        "roles": sorted(user.roles),
        "created_at": user.created_at,
        "mfa_enabled": user.mfa_enabled,
        "totp_secret": _seal(keys, user.totp_secret, f"totp_secret:{user.id}"),
        "totp_pending_secret": _seal(
            keys, user.totp_pending_secret, f"totp_pending_secret:{user.id}"
        ),
        "totp_last_step": user.totp_last_step,
    }


class SqlaUserRepository:
    """TOTP secrets are stored encrypted (AES-256-GCM, bound to the user id)."""

    def __init__(self, conn: AsyncConnection, keys: DataKeyring) -> None:
        self.conn = conn
        self.keys = keys

    async def get(self, user_id: str) -> User | None:
        row = (await self.conn.execute(_GET, {"id": user_id})).first()
        return _to_user(row, self.keys) if row else None

    async def get_for_update(self, user_id: str) -> User | None:
        row = (await self.conn.execute(_GET_FOR_UPDATE, {"id": user_id})).first()
        return _to_user(row, self.keys) if row else None

    async def set_password_hash(self, user_id: str, password_hash: str) -> None:
        await self.conn.execute(_SET_HASH, {"id": user_id, "hash": password_hash})

    async def by_email(self, email: Email) -> User | None:
        row = (await self.conn.execute(_BY_EMAIL, {"email": email.value})).first()
        return _to_user(row, self.keys) if row else None

    async def add(self, user: User) -> None:
        try:
            async with self.conn.begin_nested():
                await self.conn.execute(_INSERT, _params(user, self.keys))
        except IntegrityError as error:
            raise Conflict(
                "an account with this email already exists", param="email"
            ) from error

    async def save(self, user: User) -> None:
        await self.conn.execute(_UPDATE, _params(user, self.keys))


SEALED_COLUMNS = [
    SealedColumn("users", "id", "totp_secret", "totp_secret:{key}"),
    SealedColumn("users", "id", "totp_pending_secret", "totp_pending_secret:{key}"),
]

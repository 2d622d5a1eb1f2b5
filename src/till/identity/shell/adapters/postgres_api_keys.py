"""Service API keys in PostgreSQL (only SHA-256 digests of the secrets)."""

from datetime import datetime
from typing import Any

from sqlalchemy import TextClause, text
from sqlalchemy.ext.asyncio import AsyncConnection

from till.identity.core.models import ApiKey

_SELECT = (
    "SELECT id, name, scopes, key_hash, created_by, created_at, last_used_at, "
    "revoked_at FROM api_keys "
)
_BY_ID = text(_SELECT + "WHERE id = :v")
_BY_HASH = text(_SELECT + "WHERE key_hash = :v")


def _to_key(row: Any) -> ApiKey:
    return ApiKey(
        id=row.id,
        name=row.name,
        scopes=frozenset(row.scopes),
        key_hash=bytes(row.key_hash),
        created_by=row.created_by,
        created_at=row.created_at,
        last_used_at=row.last_used_at,
        revoked_at=row.revoked_at,
    )


class SqlaApiKeyRepository:
    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    async def add(self, key: ApiKey) -> None:
        await self.conn.execute(
            text(
                "INSERT INTO api_keys (id, name, scopes, key_hash, created_by, "
                "created_at) VALUES (:id, :name, :scopes, :key_hash, :created_by, "
                ":created_at)"
            ),
            {
                "id": key.id,
                "name": key.name,
                "scopes": sorted(key.scopes),
                "key_hash": key.key_hash,
                "created_by": key.created_by,
                "created_at": key.created_at,
            },
        )

    async def _one(self, query: TextClause, value: object) -> ApiKey | None:
        row = (await self.conn.execute(query, {"v": value})).first()
        return _to_key(row) if row else None

    async def get(self, key_id: str) -> ApiKey | None:
        return await self._one(_BY_ID, key_id)

    async def by_hash(self, key_hash: bytes) -> ApiKey | None:
        return await self._one(_BY_HASH, key_hash)

    async def list_active(self) -> list[ApiKey]:
        rows = await self.conn.execute(
            text(_SELECT + "WHERE revoked_at IS NULL ORDER BY id DESC")
        )
        return [_to_key(r) for r in rows]

    async def revoke(self, key_id: str, at: datetime) -> None:
        await self.conn.execute(
            text("UPDATE api_keys SET revoked_at = :at WHERE id = :id"),
            {"id": key_id, "at": at},
        )

    async def touch(self, key_id: str, at: datetime) -> None:
        await self.conn.execute(
            text("UPDATE api_keys SET last_used_at = :at WHERE id = :id"),
            {"id": key_id, "at": at},
        )

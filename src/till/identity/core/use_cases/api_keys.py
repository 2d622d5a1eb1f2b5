"""Service API keys: create (shown once), list, revoke."""

from dataclasses import dataclass
from datetime import datetime

from till.identity.core.models import ApiKey
from till.identity.core.ports import IdentityStore
from till.identity.core.secrets_codec import digest, new_api_key_secret
from till.kernel.errors import NotFound
from till.kernel.ids import new_id


@dataclass(frozen=True, slots=True)
class CreateApiKey:
    name: str
    scopes: frozenset[str]
    created_by: str


@dataclass(frozen=True, slots=True)
class NewApiKey:
    key: ApiKey
    secret: str


async def create_api_key(
    cmd: CreateApiKey, store: IdentityStore, now: datetime
) -> NewApiKey:
    """Rules: a name of 1–100 characters and at least one known scope; the secret is
    returned once and only its SHA-256 digest is stored."""
    secret = new_api_key_secret()
    key = ApiKey(
        id=new_id("key"),
        name=cmd.name,
        scopes=cmd.scopes,
        key_hash=digest(secret),
        created_by=cmd.created_by,
        created_at=now,
    )
    await store.api_keys.add(key)
    return NewApiKey(key, secret)


async def revoke_api_key(key_id: str, store: IdentityStore, now: datetime) -> None:
    """Rules: an unknown or already revoked key is 404; a revoked key stops at once."""
    key = await store.api_keys.get(key_id)
    if key is None or key.revoked_at is not None:
        raise NotFound("no such API key", param="id")
    await store.api_keys.revoke(key_id, now)

"""The Ed25519 signing keyring in PostgreSQL, shared by every API process.

Every unretired key verifies and is published in the JWKS. A new key (from
`till keys rotate-signing`) only starts signing once it is ACTIVATION_DELAY old:
by then every process has reloaded the keyring (each does so every minute) and
JWKS caches have had time to see it, so no verifier meets a kid it cannot know.
"""

import time
from datetime import UTC, datetime, timedelta

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from till.identity.shell.adapters.jwt_codec import JwtAccessTokenCodec, SigningKey
from till.kernel.ids import new_id
from till.platform.data_keys import DataKeyring
from till.platform.database import Database
from till.platform.postgres_reseal import SealedColumn

_LOCK_ID = 0x7E11_0001  # serialises first-start key creation across processes
ACTIVATION_DELAY = timedelta(minutes=5)


def _to_pem(key: Ed25519PrivateKey) -> str:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


def _context(kid: str) -> str:
    return f"signing-key:{kid}"


def _from_pem(kid: str, stored: str, keys: DataKeyring) -> SigningKey:
    pem = keys.decrypt(stored, _context(kid))
    private = serialization.load_pem_private_key(pem.encode(), password=None)
    if not isinstance(private, Ed25519PrivateKey):
        raise TypeError(f"signing key {kid} is not an Ed25519 key")
    return SigningKey(kid, private, private.public_key())


async def add_signing_key(
    conn: AsyncConnection, keys: DataKeyring, at: datetime | None = None
) -> str:
    """A new Ed25519 key; its private half is stored encrypted."""
    kid = new_id("kid")
    pem = _to_pem(Ed25519PrivateKey.generate())
    await conn.execute(
        text(
            "INSERT INTO signing_keys (kid, algorithm, private_key_pem, created_at) "
            "VALUES (:kid, 'EdDSA', :pem, :at)"
        ),
        {
            "kid": kid,
            "pem": keys.encrypt(pem, _context(kid)),
            "at": at or datetime.now(UTC),
        },
    )
    return kid


async def load_signing_keys(
    conn: AsyncConnection, keys: DataKeyring
) -> tuple[dict[str, SigningKey], str]:
    """All unretired keys and the kid that signs: the newest key past its
    activation delay, else the oldest (the one every process knows); creates the
    first key on a fresh install."""
    await conn.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": _LOCK_ID})
    rows = (
        await conn.execute(
            text(
                "SELECT kid, private_key_pem, created_at FROM signing_keys "
                "WHERE retired_at IS NULL AND algorithm = 'EdDSA' ORDER BY created_at"
            )
        )
    ).all()
    if not rows:
        await add_signing_key(conn, keys)
        return await load_signing_keys(conn, keys)
    signing = {row.kid: _from_pem(row.kid, row.private_key_pem, keys) for row in rows}
    active_before = datetime.now(UTC) - ACTIVATION_DELAY
    active = [row.kid for row in rows if row.created_at <= active_before]
    return signing, active[-1] if active else rows[0].kid


async def retire_all_but_newest(conn: AsyncConnection, keep: int = 2) -> int:
    result = await conn.execute(
        text(
            "UPDATE signing_keys SET retired_at = now() WHERE retired_at IS NULL "
            "AND kid NOT IN (SELECT kid FROM signing_keys WHERE retired_at IS NULL "
            "ORDER BY created_at DESC LIMIT :keep)"
        ),
        {"keep": keep},
    )
    return int(result.rowcount)


class KeyringReloader:
    """Reloads the keyring into a codec, at most once per `min_interval` seconds
    (a flood of tokens with a bogus kid must not become a flood of queries)."""

    def __init__(
        self,
        database: Database,
        codec: JwtAccessTokenCodec,
        keys: DataKeyring,
        min_interval: float = 1.0,
    ) -> None:
        self._database = database
        self._data_keys = keys
        self._codec = codec
        self._min_interval = min_interval
        self._last = float("-inf")

    async def __call__(self) -> bool:
        if time.monotonic() - self._last < self._min_interval:
            return False
        self._last = time.monotonic()
        async with self._database.transaction() as conn:
            signing, current = await load_signing_keys(conn, self._data_keys)
        self._codec.use_keys(signing, current)
        return True


SEALED_COLUMNS = [
    SealedColumn("signing_keys", "kid", "private_key_pem", "signing-key:{key}")
]

"""Composition root, identity part: the identity context's concrete adapters."""

import asyncio
from collections.abc import Awaitable, Callable
from contextlib import AsyncExitStack
from typing import TYPE_CHECKING

import structlog
from fastapi import FastAPI
from redis.asyncio import Redis

from till.identity.core.ports import LoginThrottle, SessionRevocations, TokenPolicy
from till.identity.core.token_issuer import TokenIssuer
from till.identity.shell.adapters.argon2_hasher import Argon2PasswordHasher
from till.identity.shell.adapters.common_passwords_file import load_common_passwords
from till.identity.shell.adapters.jwt_codec import JwtAccessTokenCodec, SigningKey
from till.identity.shell.adapters.memory_guards import (
    InMemoryLoginThrottle,
    InMemorySessionRevocations,
)
from till.identity.shell.adapters.postgres_identity_store import (
    PostgresIdentityUnitOfWork,
    session_is_revoked,
    sessions_revoked_since,
)
from till.identity.shell.adapters.postgres_signing_keys import (
    KeyringReloader,
    add_signing_key,
    load_signing_keys,
    retire_all_but_newest,
)
from till.identity.shell.adapters.redis_guards import RedisLoginThrottle
from till.identity.shell.adapters.redis_revocations import RedisSessionRevocations
from till.identity.shell.orchestrators.identity_commands import Guards, IdentityCommands
from till.identity.shell.orchestrators.identity_queries import IdentityQueries
from till.platform.data_keys import DataKeyring, key_file_setting
from till.platform.database import Database, one_off_transaction
from till.platform.rate_limit import RateRule
from till.platform.settings import AuthSettings, InfraSettings, async_database_url

if TYPE_CHECKING:
    from till.app.factory import SharedInfra


async def _never_reload() -> bool:
    return False


KEYRING_REFRESH_SECONDS = 60.0


async def _refresh_keyring(reload_keys: Callable[[], Awaitable[bool]]) -> None:
    """Pick up rotated keys for signing and the JWKS, even with no unknown kid."""
    while True:
        await asyncio.sleep(KEYRING_REFRESH_SECONDS)
        try:
            await reload_keys()
        except Exception as error:  # a failed refresh must not kill the loop
            structlog.get_logger("till.keys").warning(
                "keyring_refresh_failed", error_type=type(error).__name__
            )


async def _codec(
    database: Database, auth: AuthSettings, data_keys: DataKeyring
) -> tuple[JwtAccessTokenCodec, Callable[[], Awaitable[bool]]]:
    if auth.jwt_algorithm == "HS512":
        if auth.jwt_secret is None or len(auth.jwt_secret.get_secret_value()) < 64:
            raise RuntimeError("HS512 needs TILL_AUTH_JWT_SECRET of ≥ 64 characters")
        secret = auth.jwt_secret.get_secret_value().encode()
        keys = {"hs512-1": SigningKey("hs512-1", secret, secret)}
        current = "hs512-1"
    else:
        async with database.transaction() as conn:
            keys, current = await load_signing_keys(conn, data_keys)
    codec = JwtAccessTokenCodec(
        keys,
        current,
        algorithm=auth.jwt_algorithm,
        issuer=auth.issuer,
        audience=auth.audience,
    )
    if auth.jwt_algorithm == "HS512":
        return codec, _never_reload
    return codec, KeyringReloader(database, codec, data_keys)


async def _guards(
    infra: InfraSettings,
    auth: AuthSettings,
    redis: Redis | None,
    database: Database,
    stack: AsyncExitStack,
) -> tuple[LoginThrottle, SessionRevocations]:
    if redis is None:
        in_process = InMemorySessionRevocations(auth.access_ttl_seconds)
        return InMemoryLoginThrottle(), in_process

    async def in_database(session_id: str) -> bool:
        return await session_is_revoked(database, session_id)

    async def recently_revoked(seconds: int) -> list[str]:
        return await sessions_revoked_since(database, seconds)

    revocations = RedisSessionRevocations(
        redis,
        infra.till_redis_prefix,
        auth.access_ttl_seconds,
        in_database,
        recently_revoked,
    )
    await revocations.start()
    stack.push_async_callback(revocations.stop)
    return RedisLoginThrottle(redis, infra.till_redis_prefix), revocations


async def wire_identity(
    app: FastAPI,
    auth: AuthSettings,
    infra: InfraSettings,
    shared: "SharedInfra",
    stack: AsyncExitStack,
) -> None:
    """Build the identity context's adapters and put its driving ports on
    `app.state` (`identity_commands`, `identity_queries`)."""
    database, redis, clock = shared.database, shared.redis, shared.clock
    hasher = Argon2PasswordHasher(
        memory_kib=auth.argon2_memory_kib,
        time_cost=auth.argon2_time_cost,
        parallelism=auth.argon2_parallelism,
        workers=auth.hash_workers,
    )
    stack.callback(hasher.close)
    codec, reload_keys = await _codec(database, auth, shared.data_keys)
    refresher = asyncio.create_task(_refresh_keyring(reload_keys))
    stack.callback(refresher.cancel)
    policy = TokenPolicy(
        issuer=auth.issuer,
        access_ttl_seconds=auth.access_ttl_seconds,
        refresh_ttl_seconds=auth.refresh_ttl_seconds,
        mfa_max_age_seconds=auth.mfa_max_age_seconds,
    )
    throttle, revocations = await _guards(infra, auth, redis, database, stack)
    uow = PostgresIdentityUnitOfWork(database, shared.data_keys)
    guards = Guards(throttle, revocations, load_common_passwords())
    app.state.identity_commands = IdentityCommands(
        uow,
        hasher,
        TokenIssuer(codec, clock, policy),
        guards,
        credential_checks=2 * auth.hash_workers,
    )
    app.state.identity_queries = IdentityQueries(
        uow, codec, revocations, clock, codec.public_jwks, reload_keys
    )
    app.state.mfa_max_age_seconds = auth.mfa_max_age_seconds
    per_minute = auth.rate_limit_per_minute
    app.state.rate_rules = (
        {"auth": RateRule("auth", per_minute, 60.0)} if per_minute > 0 else {}
    )


def data_keyring(infra: InfraSettings) -> DataKeyring:
    """TILL_DATA_KEYS; with the bundled PostgreSQL only, a key file in the data
    directory (made once). Anything else would let one command encrypt with a
    key that the servers do not have."""
    if infra.till_data_keys is not None:
        return DataKeyring.from_setting(infra.till_data_keys.get_secret_value())
    if infra.till_embedded_database:
        return DataKeyring.from_setting(key_file_setting(infra.till_data_dir))
    raise RuntimeError(
        "TILL_DATA_KEYS is required with DATABASE_URL (e.g. "
        "k1:$(head -c32 /dev/urandom | base64)); every process needs the same keys"
    )


async def rotate_signing_key(database_url: str, infra: InfraSettings) -> str:
    """Add a new signing key: published at once, signing after its activation
    delay (every process reloads the keyring each minute)."""
    async with one_off_transaction(async_database_url(database_url)) as conn:
        return await add_signing_key(conn, data_keyring(infra))


async def retire_signing_keys(database_url: str, keep: int) -> int:
    """Retire all but the `keep` newest keys: tokens they signed stop verifying
    within a minute (use after a key leaked, or to prune old keys)."""
    async with one_off_transaction(async_database_url(database_url)) as conn:
        return await retire_all_but_newest(conn, keep)

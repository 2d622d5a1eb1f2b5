"""The composition root: reads settings, builds adapters, mounts routers. The only
module (with cli.py) that names concrete adapters."""

import asyncio
import gc
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack, asynccontextmanager

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
    load_signing_keys,
)
from till.identity.shell.adapters.redis_guards import RedisLoginThrottle
from till.identity.shell.adapters.redis_revocations import RedisSessionRevocations
from till.identity.shell.http import admin_routes, auth_routes, mfa_routes
from till.identity.shell.http.error_statuses import IDENTITY_ERROR_STATUS
from till.identity.shell.orchestrators.identity_commands import Guards, IdentityCommands
from till.identity.shell.orchestrators.identity_queries import IdentityQueries
from till.kernel.clock import SystemClock
from till.platform import dependency_checks, health
from till.platform.database import Database
from till.platform.error_handlers import install_error_handlers
from till.platform.http_middleware import HttpEdgeMiddleware
from till.platform.logging import configure_logging
from till.platform.openapi import PROBLEM_RESPONSES, install_openapi
from till.platform.rate_limit import InMemoryRateLimiter, RateRule, RedisRateLimiter
from till.platform.settings import AuthSettings, InfraSettings, async_database_url


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
    database: Database, auth: AuthSettings
) -> tuple[JwtAccessTokenCodec, Callable[[], Awaitable[bool]]]:
    if auth.jwt_algorithm == "HS512":
        if auth.jwt_secret is None or len(auth.jwt_secret.get_secret_value()) < 64:
            raise RuntimeError("HS512 needs TILL_AUTH_JWT_SECRET of ≥ 64 characters")
        secret = auth.jwt_secret.get_secret_value().encode()
        keys = {"hs512-1": SigningKey("hs512-1", secret, secret)}
        current = "hs512-1"
    else:
        async with database.transaction() as conn:
            keys, current = await load_signing_keys(conn)
    codec = JwtAccessTokenCodec(
        keys,
        current,
        algorithm=auth.jwt_algorithm,
        issuer=auth.issuer,
        audience=auth.audience,
    )
    if auth.jwt_algorithm == "HS512":
        return codec, _never_reload
    return codec, KeyringReloader(database, codec)


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


async def _wire(
    app: FastAPI, infra: InfraSettings, auth: AuthSettings, stack: AsyncExitStack
) -> None:
    if infra.database_url is None:
        raise RuntimeError("DATABASE_URL is not set (`till serve` starts one for you)")
    database = Database(
        async_database_url(infra.database_url),
        pool_size=infra.till_db_pool_size,
        max_overflow=infra.till_db_max_overflow,
    )
    stack.push_async_callback(database.close)
    checks = {"postgres": dependency_checks.database_check(database)}
    redis = None
    if infra.redis_url:
        redis = Redis.from_url(
            infra.redis_url, socket_timeout=1, socket_connect_timeout=1
        )
        stack.push_async_callback(redis.aclose)
        checks["redis"] = dependency_checks.redis_check(redis)
    if infra.rabbitmq_url:
        checks["rabbitmq"] = dependency_checks.rabbitmq_check(infra.rabbitmq_url)
    clock = SystemClock()
    hasher = Argon2PasswordHasher(
        memory_kib=auth.argon2_memory_kib,
        time_cost=auth.argon2_time_cost,
        parallelism=auth.argon2_parallelism,
        workers=auth.hash_workers,
    )
    stack.callback(hasher.close)
    codec, reload_keys = await _codec(database, auth)
    refresher = asyncio.create_task(_refresh_keyring(reload_keys))
    stack.callback(refresher.cancel)
    policy = TokenPolicy(
        issuer=auth.issuer,
        access_ttl_seconds=auth.access_ttl_seconds,
        refresh_ttl_seconds=auth.refresh_ttl_seconds,
        mfa_max_age_seconds=auth.mfa_max_age_seconds,
    )
    throttle, revocations = await _guards(infra, auth, redis, database, stack)
    uow = PostgresIdentityUnitOfWork(database)
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
    app.state.clock = clock
    app.state.mfa_max_age_seconds = auth.mfa_max_age_seconds
    app.state.readiness_checks = checks
    app.state.rate_limiter = (
        RedisRateLimiter(redis, infra.till_redis_prefix)
        if redis
        else InMemoryRateLimiter()
    )
    per_minute = auth.rate_limit_per_minute
    app.state.rate_rules = (
        {"auth": RateRule("auth", per_minute, 60.0)} if per_minute > 0 else {}
    )


def create_app(
    infra: InfraSettings | None = None, auth: AuthSettings | None = None
) -> FastAPI:
    infra = infra or InfraSettings()
    auth = auth or AuthSettings()
    configure_logging(infra.till_log_level)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with AsyncExitStack() as stack:
            await _wire(app, infra, auth, stack)
            # Start-up leaves ~10^5 long-lived objects (FastAPI, SQLAlchemy,
            # pydantic); full GC passes over them paused requests for ~100 ms.
            # Freezing moves them out of the collector's sight (p99 at 1,000/s:
            # ~100 ms -> ~7 ms, docs/benchmarks.md).
            gc.collect()
            gc.freeze()
            yield

    app = FastAPI(
        title="till",
        version="0.1.0",
        summary="Self-hostable commerce backend: identity, payments, orders.",
        lifespan=lifespan,
        responses=PROBLEM_RESPONSES,
    )
    install_openapi(app)
    install_error_handlers(app, IDENTITY_ERROR_STATUS)
    app.add_middleware(HttpEdgeMiddleware)
    for module in (health, auth_routes, mfa_routes, admin_routes):
        app.include_router(module.router)
    return app


async def rotate_signing_key(database_url: str) -> str:
    """Add a new signing key: published at once, signing after its activation
    delay (every process reloads the keyring each minute)."""
    from till.identity.shell.adapters.postgres_signing_keys import add_signing_key

    database = Database(async_database_url(database_url), pool_size=1)
    try:
        async with database.transaction() as conn:
            return await add_signing_key(conn)
    finally:
        await database.close()


async def retire_signing_keys(database_url: str, keep: int) -> int:
    """Retire all but the `keep` newest keys: tokens they signed stop verifying
    within a minute (use after a key leaked, or to prune old keys)."""
    from till.identity.shell.adapters.postgres_signing_keys import (
        retire_all_but_newest,
    )

    database = Database(async_database_url(database_url), pool_size=1)
    try:
        async with database.transaction() as conn:
            return await retire_all_but_newest(conn, keep)
    finally:
        await database.close()

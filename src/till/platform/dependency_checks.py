"""Readiness probes for the configured dependencies, shared by /readyz and
`till doctor`."""

from redis.asyncio import Redis

from till.platform.database import Database


def database_check(database: Database):  # type: ignore[no-untyped-def]
    async def check() -> None:
        await database.ping()

    return check


def redis_check(redis: Redis):  # type: ignore[no-untyped-def]
    async def check() -> None:
        await redis.ping()

    return check


def rabbitmq_check(url: str):  # type: ignore[no-untyped-def]
    async def check() -> None:
        import aio_pika

        connection = await aio_pika.connect(url, timeout=2)
        await connection.close()

    return check

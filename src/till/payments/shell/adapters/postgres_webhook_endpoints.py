"""Webhook endpoints in PostgreSQL; their signing secrets only sealed under the
data keys (they rotate with `till keys rotate`)."""

import time
from typing import Any

from sqlalchemy import text

from till.payments.core.webhook_endpoints import WebhookEndpoint
from till.platform.data_keys import DataKeyring
from till.platform.database import Database
from till.platform.postgres_reseal import SealedColumn

_COLUMNS = (
    "id, url, events, description, secret_sealed, previous_sealed, "
    "previous_until, disabled_at, created_at"
)
_UPSERT = text(
    f"INSERT INTO webhook_endpoints ({_COLUMNS}) VALUES (:id, :url, :events, "  # noqa: S608  # nosec B608
    ":description, :secret, :previous, :previous_until, :disabled_at, :created_at) "
    "ON CONFLICT (id) DO UPDATE SET secret_sealed = EXCLUDED.secret_sealed, "
    "previous_sealed = EXCLUDED.previous_sealed, "
    "previous_until = EXCLUDED.previous_until, disabled_at = EXCLUDED.disabled_at"
)
_ALL = text(f"SELECT {_COLUMNS} FROM webhook_endpoints ORDER BY id DESC")  # noqa: S608  # nosec B608
_ONE = text(f"SELECT {_COLUMNS} FROM webhook_endpoints WHERE id = :id")  # noqa: S608  # nosec B608
_ACTIVE = text("SELECT id, events FROM webhook_endpoints WHERE disabled_at IS NULL")
_DELETE = text("DELETE FROM webhook_endpoints WHERE id = :id")
SEALED_COLUMNS = [
    SealedColumn("webhook_endpoints", "id", "secret_sealed", "webhook-secret:{key}"),
    SealedColumn("webhook_endpoints", "id", "previous_sealed", "webhook-secret:{key}"),
]


Subscriptions = list[tuple[str, tuple[str, ...]]]


class SqlaWebhookEndpoints:
    """`subscriptions` (read for every published event) is kept for
    `subscriptions_seconds` and dropped at once by this process's own changes;
    an endpoint registered through another process starts receiving events
    within that bound."""

    def __init__(
        self, database: Database, keys: DataKeyring, subscriptions_seconds: float = 1.0
    ) -> None:
        self.database = database
        self.keys = keys
        self._ttl = subscriptions_seconds
        self._subscriptions: tuple[float, Subscriptions] | None = None

    def _context(self, endpoint_id: str) -> str:
        return f"webhook-secret:{endpoint_id}"

    async def save(self, endpoint: WebhookEndpoint) -> None:
        context = self._context(endpoint.id)
        previous = endpoint.previous_secret
        params = {
            "id": endpoint.id,
            "url": endpoint.url,
            "events": list(endpoint.events),
            "description": endpoint.description,
            "secret": self.keys.encrypt(endpoint.secret, context),
            "previous": None
            if previous is None
            else self.keys.encrypt(previous, context),
            "previous_until": endpoint.previous_until,
            "disabled_at": endpoint.disabled_at,
            "created_at": endpoint.created_at,
        }
        async with self.database.read() as conn:
            await conn.execute(_UPSERT, params)
        self._subscriptions = None

    async def all(self) -> list[WebhookEndpoint]:
        async with self.database.read() as conn:
            return [self._endpoint(row) for row in await conn.execute(_ALL)]

    async def subscriptions(self) -> Subscriptions:
        """Active endpoints' ids and event types, secrets left sealed (the
        fan-out of every event needs no more)."""
        now = time.monotonic()
        if self._subscriptions is not None and now - self._subscriptions[0] < self._ttl:
            return self._subscriptions[1]
        async with self.database.read() as conn:
            rows = await conn.execute(_ACTIVE)
            found = [(row.id, tuple(row.events)) for row in rows]
        self._subscriptions = (now, found)
        return found

    async def get(self, endpoint_id: str) -> WebhookEndpoint | None:
        async with self.database.read() as conn:
            row = (await conn.execute(_ONE, {"id": endpoint_id})).first()
        return None if row is None else self._endpoint(row)

    async def delete(self, endpoint_id: str) -> bool:
        async with self.database.read() as conn:
            result = await conn.execute(_DELETE, {"id": endpoint_id})
        self._subscriptions = None
        return bool(getattr(result, "rowcount", 0))

    def _endpoint(self, row: Any) -> WebhookEndpoint:
        context = self._context(row.id)
        previous = row.previous_sealed
        return WebhookEndpoint(
            id=row.id,
            url=row.url,
            events=tuple(row.events),
            created_at=row.created_at,
            secret=self.keys.decrypt(row.secret_sealed, context),
            description=row.description,
            previous_secret=None
            if previous is None
            else self.keys.decrypt(previous, context),
            previous_until=row.previous_until,
            disabled_at=row.disabled_at,
        )

"""Webhook deliveries: every published event becomes one delivery per
subscribed endpoint (fan-out, idempotent per endpoint and event); a sender
sends what is due, signed (Standard Webhooks), and records every attempt:
delivered, retried on the schedule, or given up; a 410 disables the endpoint."""

import asyncio
import random
from datetime import datetime, timedelta
from typing import Any, Protocol

import structlog

from till.kernel.clock import Clock
from till.kernel.errors import Forbidden, NotFound
from till.payments.core.access import Caller
from till.payments.core.webhook_deliveries import Attempt, DueDelivery
from till.payments.core.webhook_endpoints import WebhookEndpoint, subscribed
from till.payments.core.webhook_schedule import (
    delivered,
    endpoint_gone,
    next_attempt,
)
from till.payments.core.webhook_signing import webhook_headers
from till.payments.shell.orchestrators.webhook_endpoint_commands import (
    WebhookEndpointStore,
)
from till.platform.shutdown import finish

log = structlog.get_logger("till.webhooks")
LEASE = timedelta(seconds=60)  # above the send timeout: a claim outlives its send


class DeliveryStore(Protocol):
    async def fan_out(
        self,
        event_id: str,
        event_type: str,
        payload: bytes,
        endpoint_ids: list[str],
        now: datetime,
        lease_until: datetime,
    ) -> list[DueDelivery]: ...

    async def claim_due(
        self, now: datetime, lease_until: datetime, limit: int
    ) -> list[DueDelivery]: ...

    async def record(
        self, delivery_id: str, attempt: Attempt, outcome: str, next_at: datetime | None
    ) -> None: ...

    async def of_endpoint(
        self, endpoint_id: str, limit: int
    ) -> list[dict[str, Any]]: ...

    async def retry_now(self, delivery_id: str, now: datetime) -> bool: ...


class TargetGuard(Protocol):
    async def blocked(self, url: str) -> str | None:
        """Why `url` may not be called now (SSRF), or None."""


class WebhookTransport(Protocol):
    async def post(
        self, url: str, body: bytes, headers: dict[str, str]
    ) -> tuple[int | None, int, str | None, str | None]: ...


class WebhookDeliveries:
    def __init__(
        self,
        endpoints: WebhookEndpointStore,
        deliveries: DeliveryStore,
        transport: WebhookTransport,
        clock: Clock,
        guard: TargetGuard,
        jitter: random.Random | None = None,
    ) -> None:
        self.endpoints = endpoints
        self.deliveries = deliveries
        self.transport = transport
        self.clock = clock
        self.guard = guard
        self.jitter = jitter or random.Random()  # noqa: S311 (spreading retries)

    async def fan_out(
        self, event_id: str, event_type: str, payload: bytes
    ) -> list[DueDelivery]:
        """The new deliveries, claimed for their first attempt (`send_claimed`
        sends it; if it never does, a sender retries past the lease)."""
        targets = [
            endpoint_id
            for endpoint_id, events in await self.endpoints.subscriptions()
            if subscribed(events, event_type)
        ]
        if not targets:
            return []
        now = self.clock.now()
        return await self.deliveries.fan_out(
            event_id, event_type, payload, targets, now, now + LEASE
        )

    async def send_claimed(self, due: list[DueDelivery]) -> int:
        for delivery in due:
            await self._send(delivery)
        return len(due)

    async def of_endpoint(
        self, caller: Caller, endpoint_id: str, limit: int
    ) -> list[dict[str, Any]]:
        """Admins: the endpoint's deliveries, attempts and next retry."""
        if not caller.admin:
            raise Forbidden("only an admin may read webhook deliveries")
        if await self.endpoints.get(endpoint_id) is None:
            raise NotFound("no such webhook endpoint")
        return await self.deliveries.of_endpoint(endpoint_id, limit)

    async def retry(self, caller: Caller, delivery_id: str) -> None:
        """Admins: send this delivery again now (also after it failed)."""
        if not caller.admin:
            raise Forbidden("only an admin may retry a webhook delivery")
        if not await self.deliveries.retry_now(delivery_id, self.clock.now()):
            raise NotFound("no such webhook delivery")

    async def send_due(self, limit: int = 50) -> int:
        """Send what is due now; the number of attempts made."""
        now = self.clock.now()
        due = await self.deliveries.claim_due(now, now + LEASE, limit)
        for delivery in due:
            await self._send(delivery)
        return len(due)

    async def _send(self, delivery: DueDelivery) -> None:
        endpoint = await self.endpoints.get(delivery.endpoint_id)
        now = self.clock.now()
        if endpoint is None or endpoint.disabled_at is not None:
            gone = Attempt(now, None, 0, None, "endpoint deleted or disabled")
            await self.deliveries.record(delivery.id, gone, "failed", None)
            return
        blocked = await self.guard.blocked(endpoint.url)
        if blocked is not None:  # its DNS changed since it was registered
            attempt = Attempt(now, None, 0, None, blocked)
            await self._settle(delivery, endpoint, attempt)
            return
        headers = webhook_headers(
            endpoint.signing_secrets(now),
            delivery.event_id,
            int(now.timestamp()),
            delivery.payload,
        )
        status, latency, excerpt, error = await self.transport.post(
            endpoint.url, delivery.payload, headers
        )
        attempt = Attempt(now, status, latency, excerpt, error)
        await self._settle(delivery, endpoint, attempt)

    async def _settle(
        self, delivery: DueDelivery, endpoint: WebhookEndpoint, attempt: Attempt
    ) -> None:
        status = attempt.status_code
        if status is not None and delivered(status):
            await self.deliveries.record(delivery.id, attempt, "succeeded", None)
            return
        if status is not None and endpoint_gone(status):
            await self.endpoints.save(endpoint.disable(attempt.at))
            await self.deliveries.record(delivery.id, attempt, "failed", None)
            log.warning("webhook_endpoint_disabled", endpoint_id=endpoint.id)
            return
        first = delivery.first_attempt_at or attempt.at
        following = next_attempt(delivery.attempts + 1, first, attempt.at, self.jitter)
        outcome = "failed" if following is None else "pending"
        await self.deliveries.record(delivery.id, attempt, outcome, following)


class FirstAttempts:
    """Sends each new delivery's first attempt at once, in the background, so
    an event's consumer (or the relay feeding the in-process bus) never waits
    on an endpoint; at most `limit` sends at a time. What is cut short (a
    shutdown) is retried by the sender once its lease is over."""

    def __init__(self, webhooks: WebhookDeliveries, limit: int = 32) -> None:
        self.webhooks = webhooks
        self._slots = asyncio.Semaphore(limit)
        self._tasks: set[asyncio.Task[None]] = set()

    def start(self, due: list[DueDelivery]) -> None:
        if due:
            task = asyncio.create_task(self._send(due))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _send(self, due: list[DueDelivery]) -> None:
        async with self._slots:
            try:
                await self.webhooks.send_claimed(due)
            except Exception as error:  # retried after the lease
                log.warning(
                    "webhook_first_attempt_failed", error_type=type(error).__name__
                )

    async def stop(self, grace_seconds: float = 0.0) -> None:
        """Let the sends in progress finish for up to `grace_seconds`, then
        cancel them (their deliveries are retried after the lease)."""
        await finish(list(self._tasks), grace_seconds)

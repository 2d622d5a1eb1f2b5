"""Webhook endpoints: create (admin + MFA; the URL must not lead to this host
or a private network unless allowed), list (admins), delete (admin + MFA),
rotate the secret (admin + MFA; both sign during the overlap)."""

from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Protocol

from till.kernel.clock import Clock
from till.kernel.errors import Forbidden, NotFound, ValidationFailed
from till.kernel.ids import new_id
from till.payments.core.access import Caller, require_admin_with_mfa
from till.payments.core.webhook_endpoints import WebhookEndpoint, new_endpoint
from till.payments.core.webhook_signing import new_secret
from till.payments.core.webhook_targets import parse_target, require_public

Resolver = Callable[[str, int], Awaitable[list[str]]]
ROTATION_OVERLAP = timedelta(hours=24)


class WebhookEndpointStore(Protocol):
    async def save(self, endpoint: WebhookEndpoint) -> None: ...
    async def all(self) -> list[WebhookEndpoint]: ...
    async def subscriptions(self) -> list[tuple[str, tuple[str, ...]]]: ...
    async def get(self, endpoint_id: str) -> WebhookEndpoint | None: ...
    async def delete(self, endpoint_id: str) -> bool: ...


class ResolvingGuard:
    """TargetGuard: resolves the URL's host now and applies the same rule as
    at registration (DNS can change after an endpoint was accepted)."""

    def __init__(self, resolve: Resolver, allow_private_urls: bool) -> None:
        self.resolve = resolve
        self.allow_private = allow_private_urls

    async def blocked(self, url: str) -> str | None:
        try:
            host, port = parse_target(url)
            require_public(await self.resolve(host, port), self.allow_private)
        except ValidationFailed as refused:
            return refused.message
        return None


class WebhookEndpointCommands:
    def __init__(
        self,
        store: WebhookEndpointStore,
        resolve: Resolver,
        clock: Clock,
        allow_private_urls: bool,
    ) -> None:
        self.store = store
        self.resolve = resolve
        self.clock = clock
        self.allow_private = allow_private_urls

    async def create(
        self, caller: Caller, url: str, events: list[str], description: str | None
    ) -> WebhookEndpoint:
        require_admin_with_mfa(caller, "add a webhook endpoint")
        host, port = parse_target(url)
        require_public(await self.resolve(host, port), self.allow_private)
        endpoint = new_endpoint(
            new_id("we"), url, events, description, new_secret(), self.clock.now()
        )
        await self.store.save(endpoint)
        return endpoint

    async def list(self, caller: Caller) -> list[WebhookEndpoint]:
        if not caller.admin:
            raise Forbidden("only an admin may list webhook endpoints")
        return await self.store.all()

    async def delete(self, caller: Caller, endpoint_id: str) -> None:
        require_admin_with_mfa(caller, "delete a webhook endpoint")
        if not await self.store.delete(endpoint_id):
            raise NotFound("no such webhook endpoint")

    async def rotate_secret(self, caller: Caller, endpoint_id: str) -> WebhookEndpoint:
        require_admin_with_mfa(caller, "rotate a webhook secret")
        endpoint = await self.store.get(endpoint_id)
        if endpoint is None:
            raise NotFound("no such webhook endpoint")
        rotated = endpoint.rotate(new_secret(), self.clock.now(), ROTATION_OVERLAP)
        await self.store.save(rotated)
        return rotated

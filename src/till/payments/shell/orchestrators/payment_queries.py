"""PaymentQueryPort: reads with the visibility rules of API.md (a user sees
only their own payments; the audit trail is for services and admins)."""

from dataclasses import replace
from datetime import datetime
from typing import Any, Protocol

import orjson

from till.kernel.clock import Clock
from till.kernel.errors import NotFound, ValidationFailed
from till.payments.core.access import (
    Caller,
    require_scope,
    require_staff,
    require_visible,
)
from till.payments.core.commands import PaymentListQuery
from till.payments.core.events import PaymentEvent
from till.payments.core.models import Payment
from till.payments.core.views import payment_view
from till.payments.shell.orchestrators.payment_cache import (
    HISTORY_L2_SECONDS,
    STATUS_L2_SECONDS,
    ReadCache,
    history_key,
    payment_key,
)
from till.platform.tracing import use_case


class PaymentReadModel(Protocol):
    async def get(self, payment_id: str) -> Payment | None: ...
    async def page(self, query: PaymentListQuery) -> tuple[list[Payment], bool]: ...
    async def events(self, payment_id: str) -> list[PaymentEvent]: ...


class EventLog(Protocol):
    async def page(
        self,
        now: datetime,
        event_type: str | None,
        starting_after: str | None,
        limit: int,
    ) -> tuple[list[dict[str, Any]], bool] | None: ...


class PaymentQueries:
    """`reads` must see the caller's own writes (the primary): a payment by
    id and anything that goes into the cache. `lists` may lag by the
    replication delay (a read replica): lists and audit trails not cached;
    `events` (the published events) likewise."""

    def __init__(
        self,
        reads: PaymentReadModel,
        cache: ReadCache,
        events: EventLog,
        clock: Clock,
        lists: PaymentReadModel | None = None,
    ) -> None:
        self.reads = reads
        self.lists = lists or reads
        self.cache = cache
        self.event_log = events
        self.clock = clock

    @use_case("payments.list_events")
    async def list_events(
        self,
        caller: Caller,
        event_type: str | None,
        starting_after: str | None,
        limit: int,
    ) -> tuple[list[dict[str, Any]], bool]:
        """Every published event of the last 30 days (admins, services with
        `events:read`), newest first."""
        require_staff(caller, "list events")
        require_scope(caller, "events:read")
        found = await self.event_log.page(
            self.clock.now(), event_type, starting_after, limit
        )
        if found is None:
            raise ValidationFailed("unknown cursor", param="starting_after")
        return found

    @use_case("payments.payment_document")
    async def payment_document(self, caller: Caller, payment_id: str) -> bytes:
        """The payment object as JSON, through the cache. Entries carry the
        owner, so the visibility rule holds on a hit too."""
        require_scope(caller, "payments:read")
        key = payment_key(payment_id)
        cached = await self.cache.get(key)
        if cached is not None:
            owner, _, document = cached.partition(b"\n")
            require_visible(caller, owner.decode() or None, "payment")
            return document
        token = self.cache.token()
        payment = await self.get_payment(caller, payment_id)
        document = orjson.dumps(payment_view(payment))
        owner = (payment.customer_id or "").encode()
        await self.cache.put(key, owner + b"\n" + document, token, STATUS_L2_SECONDS)
        return document

    @use_case("payments.history_document")
    async def history_document(self, caller: Caller) -> bytes:
        """A user's first page of payments (the default list) as JSON, kept in
        L2 for up to 30 minutes and dropped by any command on their payments."""
        require_scope(caller, "payments:read")
        key = history_key(caller.id)
        cached = await self.cache.get(key)
        if cached is not None:
            return cached
        token = self.cache.token()
        # From `reads`: a lagging page, cached after the invalidation it came
        # behind, would hide the caller's newest payment for half an hour.
        found, more = await self._page(caller, PaymentListQuery(), self.reads)
        document = orjson.dumps(
            {
                "object": "list",
                "data": [payment_view(p) for p in found],
                "has_more": more,
            }
        )
        await self.cache.put(key, document, token, HISTORY_L2_SECONDS, l1=False)
        return document

    @use_case("payments.get_payment")
    async def get_payment(self, caller: Caller, payment_id: str) -> Payment:
        require_scope(caller, "payments:read")
        payment = await self.reads.get(payment_id)
        if payment is None:
            raise NotFound("no such payment")
        require_visible(caller, payment.customer_id, "payment")
        return payment

    @use_case("payments.list_payments")
    async def list_payments(
        self, caller: Caller, query: PaymentListQuery
    ) -> tuple[list[Payment], bool]:
        return await self._page(caller, query, self.lists)

    async def _page(
        self, caller: Caller, query: PaymentListQuery, source: PaymentReadModel
    ) -> tuple[list[Payment], bool]:
        require_scope(caller, "payments:read")
        if not caller.is_staff:
            if query.customer_id not in (None, caller.id):
                return [], False  # another customer's payments: none visible
            query = replace(query, customer_id=caller.id)
        return await source.page(query)

    @use_case("payments.payment_events")
    async def payment_events(
        self, caller: Caller, payment_id: str
    ) -> list[PaymentEvent]:
        await self.get_payment(caller, payment_id)
        require_scope(caller, "payments:read")
        require_staff(caller, "read a payment's audit trail")
        return await self.lists.events(payment_id)

"""The payment commands and queries wired to in-memory fakes and the sandbox."""

import itertools
from dataclasses import dataclass, field

import orjson

from tests.fakes.clock import FixedClock
from tests.fakes.payments import (
    FakeCache,
    FakePaymentsUnit,
    FakeVault,
    PaymentsStore,
)
from till.kernel.idempotency import IdempotencyScope, StoredResponse
from till.kernel.money import Money, currency
from till.payments.core.access import Caller
from till.payments.core.breaker import BreakerPolicy
from till.payments.core.commands import NewPaymentMethod, PaymentIntent
from till.payments.shell.adapters.sandbox_gateway import SandboxGateway
from till.payments.shell.orchestrators.fraud_screening import FraudScreening
from till.payments.shell.orchestrators.gateway_routing import GatewayRouter
from till.payments.shell.orchestrators.janitor import PaymentJanitor
from till.payments.shell.orchestrators.payment_cache import InvalidatingUnit
from till.payments.shell.orchestrators.payment_commands import (
    PaymentCommands,
    PaymentRules,
)
from till.payments.shell.orchestrators.payment_queries import PaymentQueries

ALICE = Caller("user", "usr_a")
SHOP = Caller("service", "key_1", scopes=frozenset({"payments:write", "payments:read"}))
VISA = "4242424242424242"  # pragma: allowlist secret
_ids = itertools.count(1)


def _render(result: object) -> StoredResponse:
    return StoredResponse(200, "application/json", orjson.dumps(result.id))  # type: ignore[attr-defined]


def scope(resource_id: str | None = None, resumed: bool = False) -> IdempotencyScope:
    n = next(_ids)
    return IdempotencyScope(
        "user:usr_a", f"key-{n}", resource_id or f"pay_{n:026d}", resumed, _render
    )


@dataclass
class Rig:
    clock: FixedClock = field(default_factory=FixedClock)
    store: PaymentsStore = field(default_factory=PaymentsStore)
    vault: FakeVault = field(default_factory=FakeVault)
    cache: FakeCache = field(default_factory=FakeCache)
    threshold: int = 10_000
    screening: FraudScreening | None = None

    def __post_init__(self) -> None:
        self.gateway = SandboxGateway(self.clock)
        self.routes = GatewayRouter(
            {"sandbox": self.gateway}, "sandbox", None, BreakerPolicy(), self.clock
        )
        self.commands = PaymentCommands(
            lambda: InvalidatingUnit(FakePaymentsUnit(self.store), self.cache),
            self.vault,
            self.routes,
            self.clock,
            PaymentRules(self.threshold),
            self.screening,
        )
        self.janitor = PaymentJanitor(
            lambda: InvalidatingUnit(FakePaymentsUnit(self.store), self.cache),
            self.commands.moves,
            _Reads(self.store),
            self.clock,
            grace_seconds=60,
        )
        self.queries = PaymentQueries(
            _Reads(self.store), self.cache, _NoEvents(), self.clock
        )

    async def card(self, number: str = VISA, caller: Caller = ALICE) -> str:
        new = NewPaymentMethod("card", number, 12, 2031, "123")
        return (await self.commands.add_payment_method(caller, new)).id

    async def pay(
        self, caller: Caller = ALICE, ip: str | None = None, **intent: object
    ):
        intent.setdefault("amount", Money(1000, currency("usd")))
        return await self.commands.create_payment(
            caller,
            PaymentIntent(**intent),  # type: ignore[arg-type]
            scope(),
            ip,
        )


class _Reads:
    def __init__(self, store: PaymentsStore) -> None:
        self.store = store

    async def get(self, payment_id):
        return self.store.payments.get(payment_id)

    async def page(self, query):
        found = [
            p
            for p in sorted(self.store.payments.values(), key=lambda p: p.id)[::-1]
            if query.customer_id in (None, p.customer_id)
        ]
        return found[: query.limit], len(found) > query.limit

    async def events(self, payment_id):
        return list(self.store.streams.get(payment_id, []))

    async def waiting_on_processor(self, before, limit):
        return [
            p
            for p in self.store.payments.values()
            if (p.status.value == "processing" or p.pending_operation)
            and p.updated_at < before
        ][:limit]


class _NoEvents:
    async def page(self, now, event_type, starting_after, limit):
        return ([], False) if starting_after is None else None

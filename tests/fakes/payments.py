"""In-memory fakes of the payments ports, for unit tests of the orchestrators."""

from dataclasses import dataclass, field

from till.kernel.idempotency import StoredResponse
from till.payments.core.errors import StreamConflict
from till.payments.core.events import PaymentEvent
from till.payments.core.models import Payment
from till.payments.core.notifications import Notification
from till.payments.core.payment_methods import PaymentMethod


@dataclass
class PaymentsStore:
    payments: dict[str, Payment] = field(default_factory=dict)
    streams: dict[str, list[PaymentEvent]] = field(default_factory=dict)
    outbox: list[Notification] = field(default_factory=list)
    responses: dict[tuple[str, str], StoredResponse] = field(default_factory=dict)
    records: int = 0
    settled: int = 0


class FakePaymentsUnit:
    """Records like the PostgreSQL unit: all or nothing, version-checked."""

    def __init__(self, store: PaymentsStore) -> None:
        self.store = store
        self._outbox: list[Notification] = []
        self._response: tuple[str, str, StoredResponse] | None = None

    async def load(self, payment_id: str) -> Payment | None:
        return self.store.payments.get(payment_id)

    async def events(self, payment_id: str) -> list[PaymentEvent]:
        return list(self.store.streams.get(payment_id, []))

    def publish(self, notifications: list[Notification]) -> None:
        self._outbox += notifications

    def respond(self, caller: str, key: str, response: StoredResponse) -> None:
        self._response = (caller, key, response)

    async def settle(self) -> None:
        self.store.settled += 1

    async def record(
        self, before_version: int, after: Payment, events: list[PaymentEvent]
    ) -> None:
        stream = self.store.streams.setdefault(after.id, [])
        if events and len(stream) != before_version:
            self._outbox, self._response = [], None
            raise StreamConflict(after.id)
        stream += events
        if events:
            self.store.payments[after.id] = after
            self.store.records += 1
        self.store.outbox += self._outbox
        if self._response is not None:
            caller, key, response = self._response
            self.store.responses[(caller, key)] = response
        self._outbox, self._response = [], None


class FakeVault:
    def __init__(self) -> None:
        self.methods: dict[str, tuple[PaymentMethod, str]] = {}

    async def store(self, method: PaymentMethod, secret: str) -> None:
        self.methods[method.id] = (method, secret)

    async def get(self, method_id: str) -> PaymentMethod | None:
        found = self.methods.get(method_id)
        return None if found is None else found[0]

    async def get_with_secret(self, method_id: str) -> tuple[PaymentMethod, str] | None:
        return self.methods.get(method_id)


class FakeCache:
    def __init__(self) -> None:
        self.entries: dict[str, bytes] = {}
        self.invalidated: list[str] = []

    def token(self) -> float:
        return 0.0

    async def get(self, key: str) -> bytes | None:
        return self.entries.get(key)

    async def put(
        self, key: str, value: bytes, token: float, l2_seconds: int, l1: bool = True
    ) -> None:
        self.entries[key] = value

    async def invalidate(self, keys: list[str]) -> None:
        self.invalidated += keys
        for key in keys:
            self.entries.pop(key, None)

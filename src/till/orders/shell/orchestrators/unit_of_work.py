"""Recording an order command: events, the projection, the published
notifications and the idempotency response go to the unit together (one
statement in PostgreSQL). Consumers and the migration port, which no
Idempotency-Key stands behind, retry a lost race on the fresh state."""

from collections.abc import Callable

from till.kernel.idempotency import IdempotencyScope
from till.kernel.ids import new_id
from till.orders.core.commands import CommandOutcome
from till.orders.core.errors import StreamConflict
from till.orders.core.events import OrderEvent
from till.orders.core.models import Order
from till.orders.core.notifications import notifications_for
from till.orders.core.ports import OrdersUnitPort

OrdersUnitFactory = Callable[[], OrdersUnitPort]
Decision = Callable[[Order], tuple[Order, list[OrderEvent]]]
ATTEMPTS = 3


async def record(
    unit: OrdersUnitPort, before: int, after: Order, events: list[OrderEvent]
) -> None:
    event_ids = [new_id("evt") for _ in events]
    unit.publish(notifications_for(after, events, event_ids))
    await unit.record(before, after, events)


async def finish(
    unit: OrdersUnitPort,
    before: int,
    after: Order,
    events: list[OrderEvent],
    idempotency: IdempotencyScope,
) -> CommandOutcome:
    """Record with the response the caller gets (and a retry replays)."""
    response = idempotency.render(after)
    unit.respond(idempotency.caller, idempotency.key, response)
    await record(unit, before, after, events)
    return CommandOutcome(after, response)


async def apply(
    units: OrdersUnitFactory, order_id: str, decide: Decision
) -> Order | None:
    """Load, decide, record; on a lost race decide again on the fresh state
    (the decisions are idempotent). None when there is no such order."""
    for attempt in range(1, ATTEMPTS + 1):
        unit = units()
        order = await unit.load(order_id)
        if order is None:
            return None
        after, events = decide(order)
        if not events:
            return after
        try:
            await record(unit, order.version, after, events)
        except StreamConflict:
            if attempt == ATTEMPTS:
                raise
            continue
        return after
    raise AssertionError("unreachable")  # pragma: no cover

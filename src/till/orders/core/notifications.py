"""Which order events are published and what they carry: `{id: "evt_…", type,
created_at, data: <the order object after the command>}`. Events of an order
imported from the legacy system are not published: the dual-write would write
them back where they came from."""

from dataclasses import dataclass
from typing import Any

from till.orders.core import events as ev
from till.orders.core.events import OrderEvent
from till.orders.core.models import Order
from till.orders.core.views import order_view, rfc3339


@dataclass(frozen=True, slots=True)
class Notification:
    event_id: str
    type: str
    stream_id: str
    payload: dict[str, Any]


def notifications_for(
    after: Order, events: list[OrderEvent], event_ids: list[str]
) -> list[Notification]:
    found: list[Notification] = []
    for event, event_id in zip(events, event_ids, strict=True):
        if event.type not in ev.PUBLISHED:
            continue
        if event.data.get("source") == ev.SOURCE_LEGACY:
            continue
        payload = {
            "id": event_id,
            "type": event.type,
            "created_at": rfc3339(event.at),
            "data": order_view(after),
        }
        found.append(Notification(event_id, event.type, after.id, payload))
    return found

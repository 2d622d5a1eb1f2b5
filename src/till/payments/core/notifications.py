"""Which payment events are published (API.md's event list) and what they
carry: `{id: "evt_…", type, created_at, data: <payment or refund object>}`."""

from dataclasses import dataclass
from typing import Any

from till.payments.core import events as ev
from till.payments.core.events import PaymentEvent
from till.payments.core.models import Payment
from till.payments.core.views import payment_view, refund_view, rfc3339

PUBLISHED = frozenset(
    {
        ev.CREATED,
        ev.PROCESSING,
        ev.REQUIRES_CAPTURE,
        ev.REQUIRES_REVIEW,
        ev.COMPLETED,
        ev.FAILED,
        ev.CANCELED,
        ev.REFUND_CREATED,
        ev.REFUND_COMPLETED,
        ev.REFUND_FAILED,
    }
)


@dataclass(frozen=True, slots=True)
class Notification:
    event_id: str
    type: str
    stream_id: str
    payload: dict[str, Any]


def notifications_for(
    after: Payment, events: list[PaymentEvent], event_ids: list[str]
) -> list[Notification]:
    """One notification per published event; data is the state after the
    command (refund events carry the refund)."""
    found: list[Notification] = []
    for event, event_id in zip(events, event_ids, strict=True):
        if event.type not in PUBLISHED:
            continue
        data = payment_view(after)
        if event.type.startswith("refund."):
            refund_id = event.data["refund_id"]
            data = next(refund_view(r) for r in after.refunds if r.id == refund_id)
        payload = {
            "id": event_id,
            "type": event.type,
            "created_at": rfc3339(event.at),
            "data": data,
        }
        found.append(Notification(event_id, event.type, after.id, payload))
    return found

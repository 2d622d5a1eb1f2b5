"""Bodies of the webhook delivery log and of the processors' callbacks, for
the OpenAPI document (their routes answer plain dicts of this shape)."""

from typing import Any, Literal

from pydantic import Field

from till.payments.shell.http import schema_examples as ex
from till.platform.schemas import Response, examples

ATTEMPTS: list[dict[str, Any]] = [
    {
        "attempted_at": "2026-03-02T12:00:02.101+00:00",
        "status_code": 503,
        "latency_ms": 412,
        "response": "upstream unavailable",
        "error": None,
    },
    {
        "attempted_at": "2026-03-02T12:00:32.356+00:00",
        "status_code": 200,
        "latency_ms": 38,
        "response": '{"ok":true}',
        "error": None,
    },
]


class WebhookAttemptOut(Response):
    attempted_at: str
    status_code: int | None
    latency_ms: int | None
    response: str | None = Field(description="the first KiB of the answer")
    error: str | None


class WebhookDeliveryOut(Response):
    """One event sent to one endpoint, with every attempt so far."""

    model_config = examples(
        {
            "id": ex.DELIVERY_ID,
            "object": "webhook_delivery",
            "event_id": ex.EVENT_ID,
            "event_type": "payment.completed",
            "status": "succeeded",
            "attempts": ATTEMPTS,
            "next_attempt_at": None,
            "created_at": "2026-03-02T12:00:02.015000Z",
        }
    )

    id: str
    object: Literal["webhook_delivery"] = "webhook_delivery"
    event_id: str
    event_type: str
    status: str
    attempts: list[WebhookAttemptOut]
    next_attempt_at: str | None
    created_at: str


class DeliveryQueuedOut(Response):
    """A delivery queued to be sent again now."""

    model_config = examples(
        {"id": ex.DELIVERY_ID, "object": "webhook_delivery", "status": "pending"}
    )

    id: str
    object: Literal["webhook_delivery"] = "webhook_delivery"
    status: Literal["pending"] = "pending"


class ProcessorEventReceived(Response):
    model_config = examples({"received": True})

    received: Literal[True] = True

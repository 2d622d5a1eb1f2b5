"""Webhook endpoints: where published events are sent (API.md, Payments).
An endpoint subscribes to event types (or `*`); its secret signs every
delivery; after a rotation the previous secret keeps signing for an overlap,
so receivers can switch without losing a delivery."""

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from till.kernel.errors import ValidationFailed
from till.payments.core.notifications import PUBLISHED

EVENT_TYPES = PUBLISHED | {"order.*"}


def subscribed(events: tuple[str, ...], event_type: str) -> bool:
    """Does a subscription to `events` take `event_type` (`*`, `order.*`)?"""
    family = event_type.split(".")[0] + ".*"
    return "*" in events or event_type in events or family in events


@dataclass(frozen=True, slots=True)
class WebhookEndpoint:
    id: str
    url: str
    events: tuple[str, ...]
    created_at: datetime
    secret: str = field(repr=False)
    description: str | None = None
    previous_secret: str | None = field(default=None, repr=False)
    previous_until: datetime | None = None
    disabled_at: datetime | None = None

    def subscribes(self, event_type: str) -> bool:
        return self.disabled_at is None and subscribed(self.events, event_type)

    def signing_secrets(self, now: datetime) -> list[str]:
        """Newest first; the previous one while its overlap lasts."""
        keep_previous = self.previous_until is not None and now < self.previous_until
        if self.previous_secret is not None and keep_previous:
            return [self.secret, self.previous_secret]
        return [self.secret]

    def rotate(
        self, new_secret: str, now: datetime, overlap: timedelta
    ) -> "WebhookEndpoint":
        return replace(
            self,
            secret=new_secret,
            previous_secret=self.secret,
            previous_until=now + overlap,
        )

    def disable(self, now: datetime) -> "WebhookEndpoint":
        return replace(self, disabled_at=now)


def new_endpoint(
    endpoint_id: str,
    url: str,
    events: list[str],
    description: str | None,
    secret: str,
    now: datetime,
) -> WebhookEndpoint:
    """Rules: at least one event type, each a published type, `order.*` or `*`."""
    if not events:
        raise ValidationFailed("subscribe to at least one event type", param="events")
    unknown = [e for e in events if e != "*" and e not in EVENT_TYPES]
    if unknown:
        raise ValidationFailed(f"unknown event type {unknown[0]!r}", param="events")
    return WebhookEndpoint(
        endpoint_id,
        url,
        tuple(dict.fromkeys(events)),
        now,
        secret,
        description,
    )

"""Webhook deliveries against fakes: a new delivery is claimed by its creator
and its first attempt sent at once (in the background, bounded); the retry
schedule, 410 and the SSRF re-check apply to it like to any attempt."""

import asyncio
from datetime import datetime

from tests.fakes.clock import FixedClock
from till.payments.core.webhook_deliveries import Attempt, DueDelivery
from till.payments.core.webhook_endpoints import WebhookEndpoint
from till.payments.shell.orchestrators.webhook_deliveries import (
    LEASE,
    FirstAttempts,
    WebhookDeliveries,
)

SECRET = "whsec_" + "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"  # pragma: allowlist secret


class Endpoints:
    def __init__(self, *endpoints: WebhookEndpoint) -> None:
        self.by_id = {e.id: e for e in endpoints}

    async def subscriptions(self):
        return [(e.id, e.events) for e in self.by_id.values()]

    async def get(self, endpoint_id):
        return self.by_id.get(endpoint_id)

    async def save(self, endpoint):
        self.by_id[endpoint.id] = endpoint


class Deliveries:
    def __init__(self) -> None:
        self.rows: dict[tuple[str, str], dict] = {}
        self.records: list[tuple[str, Attempt, str, datetime | None]] = []

    async def fan_out(self, event_id, event_type, payload, endpoint_ids, now, lease):
        new = []
        for endpoint_id in endpoint_ids:
            if (endpoint_id, event_id) in self.rows:
                continue
            self.rows[(endpoint_id, event_id)] = {"next": lease}
            new.append(
                DueDelivery(
                    f"whd_{endpoint_id}", endpoint_id, event_id, payload, 0, None
                )
            )
        return new

    async def record(self, delivery_id, attempt, outcome, next_at):
        self.records.append((delivery_id, attempt, outcome, next_at))


class Transport:
    def __init__(self, status: int = 200, wait: asyncio.Event | None = None) -> None:
        self.status = status
        self.sent: list[tuple[str, dict[str, str]]] = []
        self.wait = wait

    async def post(self, url, body, headers):
        if self.wait is not None:
            await self.wait.wait()
        self.sent.append((url, headers))
        return self.status, 3, "ok", None


class Open:
    async def blocked(self, url):
        return None


def _endpoint(endpoint_id: str = "we_1", events=("*",)) -> WebhookEndpoint:
    return WebhookEndpoint(
        endpoint_id, f"https://93.184.216.34/{endpoint_id}", events, _T0, SECRET
    )


_T0 = FixedClock().now()


def _webhooks(*endpoints, transport=None) -> tuple[WebhookDeliveries, Deliveries]:
    store = Deliveries()
    hooks = WebhookDeliveries(
        Endpoints(*endpoints), store, transport or Transport(), FixedClock(), Open()
    )
    return hooks, store


async def test_new_deliveries_are_claimed_for_the_lease_and_returned():
    hooks, store = _webhooks(_endpoint("we_1"), _endpoint("we_2", ("refund.created",)))
    due = await hooks.fan_out("evt_1", "payment.completed", b"{}")
    assert [d.endpoint_id for d in due] == ["we_1"]
    assert store.rows[("we_1", "evt_1")]["next"] == _T0 + LEASE


async def test_an_event_seen_again_claims_nothing():
    hooks, _ = _webhooks(_endpoint())
    await hooks.fan_out("evt_1", "payment.completed", b"{}")
    assert await hooks.fan_out("evt_1", "payment.completed", b"{}") == []


async def test_no_subscriber_no_delivery():
    hooks, store = _webhooks(_endpoint(events=("refund.created",)))
    assert await hooks.fan_out("evt_1", "payment.completed", b"{}") == []
    assert store.rows == {}


async def test_the_first_attempt_is_signed_sent_and_recorded():
    transport = Transport()
    hooks, store = _webhooks(_endpoint(), transport=transport)
    due = await hooks.fan_out("evt_1", "payment.completed", b"{}")
    assert await hooks.send_claimed(due) == 1
    _, headers = transport.sent[0]
    assert headers["webhook-id"] == "evt_1"
    assert headers["webhook-signature"].startswith("v1,")
    assert store.records[0][2] == "succeeded"


async def test_a_failed_first_attempt_is_scheduled_for_retry():
    hooks, store = _webhooks(_endpoint(), transport=Transport(status=500))
    await hooks.send_claimed(await hooks.fan_out("evt_1", "payment.completed", b"{}"))
    _, attempt, outcome, next_at = store.records[0]
    assert (attempt.status_code, outcome) == (500, "pending")
    assert next_at is not None and next_at > _T0


async def test_first_attempts_run_in_the_background_and_stop_cleanly():
    release = asyncio.Event()
    transport = Transport(wait=release)
    hooks, store = _webhooks(_endpoint(), transport=transport)
    sender = FirstAttempts(hooks, limit=1)
    sender.start(await hooks.fan_out("evt_1", "payment.completed", b"{}"))
    sender.start(await hooks.fan_out("evt_2", "payment.completed", b"{}"))
    sender.start([])  # nothing to send: no task
    await asyncio.sleep(0)
    assert transport.sent == []  # the caller did not wait for the endpoint
    release.set()
    for _ in range(20):
        await asyncio.sleep(0)
    assert len(store.records) == 2
    sender.start(await hooks.fan_out("evt_3", "payment.completed", b"{}"))
    release.clear()
    await sender.stop()  # cut short: retried once the lease is over
    assert len(store.records) == 2


async def test_a_failing_send_does_not_escape_the_background_task():
    class Broken(Transport):
        async def post(self, url, body, headers):
            raise ConnectionError("boom")

    hooks, store = _webhooks(_endpoint(), transport=Broken())
    sender = FirstAttempts(hooks)
    sender.start(await hooks.fan_out("evt_1", "payment.completed", b"{}"))
    for _ in range(5):
        await asyncio.sleep(0)
    await sender.stop()
    assert store.records == []


async def test_at_shutdown_a_send_in_progress_gets_the_time_left_to_finish():
    release = asyncio.Event()
    hooks, store = _webhooks(_endpoint(), transport=Transport(wait=release))
    sender = FirstAttempts(hooks)
    sender.start(await hooks.fan_out("evt_1", "payment.completed", b"{}"))
    await asyncio.sleep(0)
    asyncio.get_running_loop().call_later(0.01, release.set)
    await sender.stop(grace_seconds=1.0)
    assert [outcome for _, _, outcome, _ in store.records] == ["succeeded"]

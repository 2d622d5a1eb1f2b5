"""Payment commands are rate limited per caller and per client IP (API.md,
Conventions): `RateLimit-*` headers on every answer, 429 `rate_limited` with
`Retry-After` over the limit. The limits here are tiny (see `payment_settings`)."""

import pytest

from tests.integration.identity.flows import assert_problem
from tests.integration.payments.flows import key, user
from till.platform.settings import PaymentSettings

PER_CALLER = PaymentSettings(
    refund_mfa_threshold=10_000, rate_limit_per_caller_per_minute=3
)
PER_IP = PaymentSettings(
    refund_mfa_threshold=10_000,
    rate_limit_per_caller_per_minute=100,
    rate_limit_per_ip_per_minute=3,
)


@pytest.fixture
def payment_settings(request) -> PaymentSettings:
    """Three payment commands a minute per caller, unless a test asks for
    `PER_IP` (indirect parametrisation)."""
    return getattr(request, "param", PER_CALLER)


async def create(http, auth: dict):
    return await http.post(
        "/v1/payments", json={"amount": 100, "currency": "usd"}, headers=auth | key()
    )


def assert_rate_limited(response, limit: int) -> None:
    body = assert_problem(response, 429, "rate_limited")
    assert body["request_id"] == response.headers["x-request-id"]
    assert int(response.headers["Retry-After"]) >= 1
    assert response.headers["RateLimit-Limit"] == str(limit)
    assert response.headers["RateLimit-Remaining"] == "0"
    assert int(response.headers["RateLimit-Reset"]) >= 1


async def test_a_caller_over_their_limit_is_rate_limited(client):
    _, auth = await user(client)
    answers = [await create(client, auth) for _ in range(3)]
    assert [a.status_code for a in answers] == [201, 201, 201]
    assert [a.headers["RateLimit-Remaining"] for a in answers] == ["2", "1", "0"]
    assert {a.headers["RateLimit-Limit"] for a in answers} == {"3"}
    assert_rate_limited(await create(client, auth), 3)
    listed = (await client.get("/v1/payments", headers=auth)).json()["data"]
    assert len(listed) == 3  # the refused one was not created


async def test_one_callers_limit_does_not_hold_back_another(client):
    _, alice = await user(client)
    _, bob = await user(client)
    for _ in range(3):
        assert (await create(client, alice)).status_code == 201
    assert (await create(client, alice)).status_code == 429
    assert (await create(client, bob)).status_code == 201


@pytest.mark.parametrize("payment_settings", [PER_IP], indirect=True)
async def test_one_client_ip_over_its_limit_is_rate_limited(client):
    _, alice = await user(client)
    _, bob = await user(client)
    assert (await create(client, alice)).status_code == 201
    assert (await create(client, bob)).status_code == 201
    assert (await create(client, alice)).status_code == 201
    assert_rate_limited(await create(client, bob), 3)  # bob's second, the IP's 4th

"""`till_login_attempts_total{outcome}` counts each login once, by outcome,
as the dashboard's login panel and the error-budget runbook read it."""

from prometheus_client import REGISTRY

from tests.integration.identity.flows import PASSWORD, login, register


def _count(outcome: str) -> float:
    value = REGISTRY.get_sample_value("till_login_attempts_total", {"outcome": outcome})
    return value or 0.0


async def test_logins_are_counted_by_outcome(client):
    user = await register(client)
    succeeded, refused = _count("succeeded"), _count("invalid_credentials")
    await login(client, user["email"], PASSWORD)
    wrong = await client.post(
        "/v1/auth/login", json={"email": user["email"], "password": "x" * 14}
    )
    assert wrong.status_code == 401
    assert _count("succeeded") == succeeded + 1
    assert _count("invalid_credentials") == refused + 1

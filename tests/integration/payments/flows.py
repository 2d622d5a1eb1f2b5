"""Steps of payment flows over HTTP, shared by the payments integration tests."""

import uuid

import httpx

from tests.integration.identity.flows import admin_with_mfa, bearer, signed_in

VISA = "4242424242424242"  # pragma: allowlist secret
DECLINED = "4000000000000002"  # pragma: allowlist secret
TIMEOUT_AFTER_PROCESSING = "4000000000000259"  # pragma: allowlist secret
UNAVAILABLE = "4000000000000341"  # pragma: allowlist secret


def key() -> dict[str, str]:
    return {"Idempotency-Key": uuid.uuid4().hex}


async def user(http: httpx.AsyncClient) -> tuple[dict, dict[str, str]]:
    """A signed-in user and their Authorization header."""
    profile, tokens = await signed_in(http)
    return profile, bearer(tokens)


async def admin(http: httpx.AsyncClient) -> dict[str, str]:
    _, tokens = await admin_with_mfa(http)
    return bearer(tokens)


async def service(http: httpx.AsyncClient, scopes: list[str] | None = None) -> dict:
    """A service API key's Authorization header (created by an admin)."""
    created = await http.post(
        "/v1/api-keys",
        json={
            "name": "shop",
            "scopes": scopes or ["payments:read", "payments:write", "refunds:write"],
        },
        headers=await admin(http),
    )
    assert created.status_code == 201, created.text
    return {"Authorization": f"Bearer {created.json()['key']}"}


async def card(http: httpx.AsyncClient, auth: dict, number: str = VISA) -> str:
    response = await http.post(
        "/v1/payment-methods",
        json={
            "type": "card",
            "card": {"number": number, "exp_month": 12, "exp_year": 2031, "cvc": "123"},
        },
        headers=auth,
    )
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


async def pay(
    http: httpx.AsyncClient, auth: dict, expect: int = 201, **body: object
) -> dict:
    body.setdefault("amount", 1050)
    body.setdefault("currency", "usd")
    response = await http.post("/v1/payments", json=body, headers=auth | key())
    assert response.status_code == expect, response.text
    return dict(response.json())


async def completed(http: httpx.AsyncClient, auth: dict, amount: int = 1050) -> dict:
    """A payment paid at once with a fresh card."""
    method = await card(http, auth)
    payment = await pay(http, auth, amount=amount, payment_method=method, confirm=True)
    assert payment["status"] == "completed", payment
    return payment


async def post(http: httpx.AsyncClient, path: str, auth: dict, **body: object):
    """A money POST with a fresh Idempotency-Key."""
    return await http.post(path, json=body, headers=auth | key())

"""Steps of order flows over HTTP, shared by the orders integration tests."""

import asyncio

import httpx

from tests.integration.payments.flows import key

ITEMS = [
    {"sku": "MUG-1", "name": "Blue mug", "quantity": 2, "unit_amount": 1250},
    {"sku": "TEA-9", "name": "Green tea", "quantity": 1, "unit_amount": 499},
]


async def create(
    http: httpx.AsyncClient, auth: dict, expect: int = 201, **body: object
) -> dict:
    body.setdefault("currency", "usd")
    body.setdefault("items", ITEMS)
    response = await http.post("/v1/orders", json=body, headers=auth | key())
    assert response.status_code == expect, response.text
    return dict(response.json())


async def act(
    http: httpx.AsyncClient,
    order_id: str,
    action: str,
    auth: dict,
    expect: int = 200,
    **body: object,
) -> dict:
    response = await http.post(
        f"/v1/orders/{order_id}/{action}", json=body or None, headers=auth | key()
    )
    assert response.status_code == expect, response.text
    return dict(response.json())


async def until(
    http: httpx.AsyncClient, path: str, auth: dict, field: str, value: str
) -> dict:
    """Poll `path` until `field` is `value` (events arrive after the commit)."""
    for _ in range(100):
        found = (await http.get(path, headers=auth)).json()
        if found.get(field) == value:
            return dict(found)
        await asyncio.sleep(0.05)
    raise AssertionError(f"{path} never had {field}={value}: {found}")

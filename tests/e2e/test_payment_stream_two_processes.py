"""WS /v1/payments/{id}/stream across processes: a client connected to B sees
a change made through A; another user's payment closes with 1008."""

import asyncio
import os
import uuid

import httpx
import orjson
import pytest
import websockets

from tests.e2e.servers import new_user_token, running_till

VISA = "4242424242424242"  # pragma: allowlist secret
REDIS_URL = os.environ.get("TILL_TEST_REDIS", "redis://127.0.0.1:6379/0")


def _token(http: httpx.Client) -> str:
    return new_user_token(http, "ws")


async def _watch(url: str, token: str, payment_id: str) -> list[dict]:
    ws_url = url.replace("http://", "ws://")
    path = f"{ws_url}/v1/payments/{payment_id}/stream?access_token={token}"
    seen: list[dict] = []
    async with websockets.connect(path) as socket:
        seen.append(orjson.loads(await socket.recv()))
        seen.append(orjson.loads(await asyncio.wait_for(socket.recv(), 10)))
    return seen


def test_a_stream_on_one_process_sees_a_change_made_through_another(
    database_url, till_env
):
    till_env |= {
        "DATABASE_URL": database_url,
        "REDIS_URL": REDIS_URL,
        "TILL_REDIS_PREFIX": f"till:e2e:{uuid.uuid4().hex[:8]}:",
    }
    with (
        running_till(till_env) as a_server,
        running_till(till_env) as b_server,
        httpx.Client(base_url=a_server.url, timeout=10) as a,
    ):
        token = _token(a)
        auth = {"Authorization": f"Bearer {token}"}
        card = {"number": VISA, "exp_month": 12, "exp_year": 2031, "cvc": "123"}
        method = a.post(
            "/v1/payment-methods", json={"type": "card", "card": card}, headers=auth
        ).json()["id"]
        payment = a.post(
            "/v1/payments",
            json={"amount": 300, "currency": "usd"},
            headers=auth | {"Idempotency-Key": uuid.uuid4().hex},
        ).json()

        async def scenario() -> list[dict]:
            watching = asyncio.create_task(_watch(b_server.url, token, payment["id"]))
            await asyncio.sleep(1.0)  # connected to B, first message received
            confirmed = await asyncio.to_thread(
                a.post,
                f"/v1/payments/{payment['id']}/confirm",
                json={"payment_method": method},
                headers=auth | {"Idempotency-Key": uuid.uuid4().hex},
            )
            assert confirmed.status_code == 200, confirmed.text
            return await watching

        first, second = asyncio.run(scenario())
        assert first["type"] == second["type"] == "payment.updated"
        assert first["data"]["status"] == "pending"
        assert second["data"]["status"] == "completed"
        other = _token(a)
        with pytest.raises(websockets.exceptions.InvalidStatus):
            asyncio.run(_watch(b_server.url, other, payment["id"]))

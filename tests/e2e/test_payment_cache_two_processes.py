"""Read after write across two API processes: a payment read (and so cached)
by process B, changed through process A, is read fresh from B at once."""

import os
import uuid

import httpx

from tests.e2e.servers import new_user_token, running_till

VISA = "4242424242424242"  # pragma: allowlist secret
REDIS_URL = os.environ.get("TILL_TEST_REDIS", "redis://127.0.0.1:6379/0")


def _user(http: httpx.Client) -> dict[str, str]:
    return {"Authorization": f"Bearer {new_user_token(http, 'rw')}"}


def _post(http: httpx.Client, path: str, auth: dict, body: dict) -> dict:
    response = http.post(
        path, json=body, headers=auth | {"Idempotency-Key": uuid.uuid4().hex}
    )
    assert response.status_code in (200, 201), response.text
    return dict(response.json())


def test_a_change_made_through_one_process_is_read_fresh_from_another(
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
        httpx.Client(base_url=b_server.url, timeout=10) as b,
    ):
        auth = _user(a)
        card = {"number": VISA, "exp_month": 12, "exp_year": 2031, "cvc": "123"}
        method = a.post(
            "/v1/payment-methods", json={"type": "card", "card": card}, headers=auth
        ).json()["id"]
        stale = 0
        for _ in range(25):
            payment = _post(a, "/v1/payments", auth, {"amount": 5, "currency": "usd"})
            path = f"/v1/payments/{payment['id']}"
            for _ in range(2):  # B caches the pending payment (L1 and L2)
                assert b.get(path, headers=auth).json()["status"] == "pending"
            _post(a, path + "/confirm", auth, {"payment_method": method})
            stale += b.get(path, headers=auth).json()["status"] != "completed"
            history = b.get("/v1/payments", headers=auth).json()["data"]
            stale += history[0]["status"] != "completed"
        metrics = b.get("/metrics").text
    assert stale == 0
    ratio = next(
        float(line.split()[1])
        for line in metrics.splitlines()
        if line.startswith("till_cache_hit_ratio ")
    )
    assert ratio > 0.2  # B answered its repeated reads from the cache

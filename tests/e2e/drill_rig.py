"""Parts of the disaster-recovery drill: seed a database through a running
`till serve` as customers and an admin would, take the operator's dump
(`pg_dump -Fc`) and restore it into a new database (`pg_restore`). What is
compared afterwards is in drill_snapshot.py."""

import shutil
import subprocess
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from tests.e2e.migration_rig import admin_with_mfa, fresh_database
from tests.e2e.servers import new_user_token

VISA = "4242424242424242"  # pragma: allowlist secret
DECLINED = "4000000000000002"  # pragma: allowlist secret


def plain_url(database_url: str) -> str:
    return database_url.replace("+asyncpg", "")


def _key() -> dict[str, str]:
    return {"Idempotency-Key": uuid.uuid4().hex}


def _ok(response: httpx.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    return body


def _card(http: httpx.Client, auth: dict[str, str], number: str) -> str:
    card = {"number": number, "exp_month": 12, "exp_year": 2031, "cvc": "123"}
    body = {"type": "card", "card": card}
    return str(
        _ok(http.post("/v1/payment-methods", json=body, headers=auth), 201)["id"]
    )


def _pay(http: httpx.Client, auth: dict[str, str], body: dict[str, Any]) -> dict:
    return _ok(http.post("/v1/payments", json=body, headers=auth | _key()), 201)


def _wait_for_order(http: httpx.Client, auth: dict, order_id: str, status: str) -> None:
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if http.get(f"/v1/orders/{order_id}", headers=auth).json()["status"] == status:
            return
        time.sleep(0.1)
    raise AssertionError(f"order {order_id} never became {status}")


@dataclass(frozen=True)
class Seeded:
    customer_email: str
    payment_method: str  # the customer's stored card


def seed(http: httpx.Client, env: dict[str, str]) -> Seeded:
    """Payments in every money-moving state, a webhook endpoint, orders paid,
    canceled after payment (refunded), fulfilled and shipped."""
    admin = admin_with_mfa(http, env)
    endpoint = {"url": "http://127.0.0.1:9/drill-hook", "events": ["*"]}
    _ok(http.post("/v1/webhook-endpoints", json=endpoint, headers=admin), 201)
    token = new_user_token(http, "drill")
    auth = {"Authorization": f"Bearer {token}"}
    email = http.get("/v1/auth/me", headers=auth).json()["email"]
    card, declined = _card(http, auth, VISA), _card(http, auth, DECLINED)
    paid = [
        _pay(
            http,
            auth,
            {
                "amount": amount,
                "currency": currency,
                "confirm": True,
                "payment_method": card,
            },
        )
        for amount, currency in (
            (1050, "usd"),
            (2000, "eur"),
            (700, "jpy"),
            (999, "usd"),
        )
    ]
    assert {p["status"] for p in paid} == {"completed"}
    failed = _pay(
        http,
        auth,
        {"amount": 500, "currency": "usd", "confirm": True, "payment_method": declined},
    )
    assert failed["status"] == "failed"
    manual = _pay(
        http,
        auth,
        {
            "amount": 3000,
            "currency": "usd",
            "confirm": True,
            "payment_method": card,
            "capture_method": "manual",
        },
    )
    capture = f"/v1/payments/{manual['id']}/capture"
    _ok(http.post(capture, json={"amount": 2500}, headers=admin | _key()), 200)
    pending = _pay(http, auth, {"amount": 400, "currency": "usd"})
    for payment, amount in ((paid[0], None), (paid[1], 500)):
        body = {} if amount is None else {"amount": amount}
        refund = f"/v1/payments/{payment['id']}/refunds"
        _ok(http.post(refund, json=body, headers=admin | _key()), 201)
    orders = []
    for _ in range(4):
        body = {
            "currency": "usd",
            "items": [{"sku": "tea", "name": "Tea", "quantity": 2, "unit_amount": 450}],
        }
        orders.append(
            _ok(http.post("/v1/orders", json=body, headers=auth | _key()), 201)
        )
    for order in orders[:3]:
        pay = f"/v1/orders/{order['id']}/pay"
        _ok(http.post(pay, json={"payment_method": card}, headers=auth | _key()), 200)
        _wait_for_order(http, auth, order["id"], "paid")
    cancel = f"/v1/orders/{orders[0]['id']}/cancel"
    _ok(http.post(cancel, headers=auth | _key()), 200)
    for step in ("fulfill", "ship"):
        move = f"/v1/orders/{orders[1]['id']}/{step}"
        _ok(http.post(move, headers=admin | _key()), 200)
    assert pending["status"] == "pending"
    return Seeded(email, card)


def _tool(name: str) -> str:
    """The PostgreSQL client program's full path (pg_dump, pg_restore)."""
    found = shutil.which(name)
    assert found, f"{name} is not installed (postgresql-client)"
    return found


def dump(database_url: str, path: Path) -> None:
    """What an operator runs: a custom-format dump of the whole database."""
    subprocess.run(
        [
            _tool("pg_dump"),
            "--format=custom",
            f"--file={path}",
            plain_url(database_url),
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )


@contextmanager
def restored(path: Path) -> Iterator[str]:
    """A new database with the dump restored into it, dropped on exit."""
    with fresh_database() as url:
        subprocess.run(
            [
                _tool("pg_restore"),
                "--exit-on-error",
                "--no-owner",
                f"--dbname={plain_url(url)}",
                str(path),
            ],
            check=True,
            capture_output=True,
            timeout=60,
        )
        yield url

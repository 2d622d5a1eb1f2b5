"""The shop's customers while the migration runs: each keeps creating orders
through /v1/orders, reading them, listing its own, and every third round
canceling an order it made six rounds before (still pending_payment, so the
cancel is valid; old enough that the dual-write has usually copied it to
legacy), until told to stop. Another third of the orders the new service
took are paid (sandbox card; paid when payment.completed arrives) and then
fulfilled and shipped by an admin, each step only from the status it needs.
Every answer that is not 2xx is a failure; nothing here provokes a 409."""

import asyncio
import uuid
from collections import Counter
from dataclasses import dataclass, field

import httpx

ITEMS = [
    {"sku": "MUG-1", "name": "Blue mug", "quantity": 2, "unit_amount": 1250},
    {"sku": "TEA-9", "name": "Green tea", "quantity": 1, "unit_amount": 499},
]
CANCEL_AFTER_ROUNDS = 6


@dataclass
class Customer:
    user_id: str
    auth: dict[str, str]
    orders: dict[str, str] = field(default_factory=dict)  # id → status it has
    made: list[str] = field(default_factory=list)  # ids in the order made
    payment_method: str = ""
    shipping: list[str] = field(default_factory=list)  # paid for, not shipped


@dataclass
class ClientLog:
    requests: int = 0
    failures: list[str] = field(default_factory=list)
    served_by: Counter[str] = field(default_factory=Counter)
    by_action: Counter[str] = field(default_factory=Counter)

    def record(self, action: str, response: httpx.Response) -> bool:
        self.requests += 1
        self.by_action[action] += 1
        if not 200 <= response.status_code < 300:
            self.failures.append(
                f"{action} {response.request.url.path}: "
                f"{response.status_code} {response.text[:300]}"
            )
            return False
        self.served_by[f"{action}:{response.headers.get('till-served-by')}"] += 1
        return True


def _key() -> dict[str, str]:
    return {"Idempotency-Key": uuid.uuid4().hex}


NEXT_STEP = {"paid": "fulfill", "fulfilled": "ship"}


async def _ship_one(
    http: httpx.AsyncClient, customer: Customer, log: ClientLog, admin: dict
) -> None:
    """The admin moves the oldest paid-for order one step on, if its status
    allows one (the payment's event may not have arrived yet)."""
    if not customer.shipping:
        return
    order_id = customer.shipping[0]
    got = await http.get(f"/v1/orders/{order_id}", headers=admin)
    if not log.record("get", got):
        return
    status = got.json()["status"]
    customer.orders[order_id] = status
    if status == "shipped":
        customer.shipping.pop(0)
    elif status in NEXT_STEP:
        moved = await http.post(
            f"/v1/orders/{order_id}/{NEXT_STEP[status]}", headers=admin | _key()
        )
        if log.record(NEXT_STEP[status], moved):
            customer.orders[order_id] = moved.json()["status"]


async def _one_round(
    http: httpx.AsyncClient,
    customer: Customer,
    log: ClientLog,
    n: int,
    admin: dict,
) -> None:
    created = await http.post(
        "/v1/orders",
        json={"currency": "eur", "items": ITEMS},
        headers=customer.auth | _key(),
    )
    if not log.record("create", created):
        return
    order = created.json()
    order_id = order["id"]
    customer.orders[order_id] = order["status"]
    customer.made.append(order_id)
    got = await http.get(f"/v1/orders/{order_id}", headers=customer.auth)
    log.record("get", got)
    listed = await http.get("/v1/orders", headers=customer.auth)
    log.record("list", listed)
    if n % 3 == 1 and created.headers.get("till-served-by") == "new":
        paid = await http.post(
            f"/v1/orders/{order_id}/pay",
            json={"payment_method": customer.payment_method},
            headers=customer.auth | _key(),
        )
        if log.record("pay", paid):
            customer.shipping.append(order_id)
    await _ship_one(http, customer, log, admin)
    if n % 3 == 0 and len(customer.made) > CANCEL_AFTER_ROUNDS:
        older = customer.made[-1 - CANCEL_AFTER_ROUNDS]
        canceled = await http.post(
            f"/v1/orders/{older}/cancel", headers=customer.auth | _key()
        )
        if log.record("cancel", canceled):
            customer.orders[older] = canceled.json()["status"]


async def keep_shopping(
    base_url: str,
    customers: list[Customer],
    admin: dict,
    stop: asyncio.Event,
    log: ClientLog,
) -> None:
    async with httpx.AsyncClient(base_url=base_url, timeout=20) as http:

        async def shop(customer: Customer) -> None:
            n = 0
            while not stop.is_set():
                await _one_round(http, customer, log, n, admin)
                n += 1
                await asyncio.sleep(0.05)

        await asyncio.gather(*(shop(c) for c in customers))

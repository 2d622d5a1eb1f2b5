"""The mixed load of the scale-out test, spread over every API process: each
customer runs rounds of payment commands, each write through one process and
the reads that must see it through the others (which cached the state before
the write), and the races a load balancer makes possible:

- one create+confirm sent with the same Idempotency-Key to all API processes
  at once (one payment, one charge: checked afterwards in the database);
- one payment confirmed through two processes at once with different keys
  (exactly one wins);
- one payment refunded in full through two processes at once (exactly one);
- a create+confirm whose processor call timed out after charging (503),
  retried with the same Idempotency-Key through another process.

Bounded: at most `rounds` rounds per customer, and no round starts after
`seconds`."""

import asyncio
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import httpx

from tests.e2e.servers import PASSWORD

VISA = "4242424242424242"  # pragma: allowlist secret
DECLINED = "4000000000000002"  # pragma: allowlist secret
# The sandbox charges it, then times out: the outcome is unknown (503) and the
# same request retried must find the charge, not make a second one.
TIMES_OUT = "4000000000000259"  # pragma: allowlist secret
RETRIES_IN_USE = 100  # 409 idempotency_key_in_use: the first is still running


@dataclass
class Customer:
    auth: dict[str, str]
    card: str
    declining_card: str
    timeout_card: str


@dataclass
class Tally:
    ops: Counter[str] = field(default_factory=Counter)
    stale: list[str] = field(default_factory=list)  # reads that missed a write
    same_key: dict[str, set[str]] = field(default_factory=dict)  # key -> ids
    confirm_races: int = 0
    refund_races: int = 0
    retried_elsewhere: int = 0
    rounds: int = 0


class MixedLoad:
    def __init__(
        self,
        apis: list[httpx.AsyncClient],
        admin: dict[str, str],
        customers: list[Customer],
        tag: str,
    ) -> None:
        self.apis = apis
        self.admin = admin
        self.customers = customers
        self.tag = tag
        self.tally = Tally()

    async def run(self, seconds: float, rounds: int) -> Tally:
        stop_at = time.monotonic() + seconds
        await asyncio.gather(
            *(
                self._customer(i, c, rounds, stop_at)
                for i, c in enumerate(self.customers)
            )
        )
        return self.tally

    async def _customer(
        self, i: int, customer: Customer, rounds: int, stop_at: float
    ) -> None:
        for r in range(rounds):
            if time.monotonic() > stop_at:
                return
            await self._round(i, r, customer)
            self.tally.rounds += 1

    async def _round(self, i: int, r: int, customer: Customer) -> None:
        w = (i + r) % len(self.apis)  # this round's writer; the others read
        x, y = (w + 1) % len(self.apis), (w + 2) % len(self.apis)
        auth = customer.auth
        amount = 1_000 + 10 * r + i
        if r == 0:
            await self._retried_elsewhere(f"{self.tag}-{i}-timeout", customer, w, x)
        paid = await self._same_key_on_every_process(
            f"{self.tag}-{i}-{r}", customer, amount
        )
        await self._expect(paid, auth, [w, x, y], status="completed")  # cached
        await self._expect_listed(paid, auth, x, status="completed")

        # Confirmed through two processes at once: one wins, all see it.
        pending = await self._create(w, auth, amount + 1, f"race-{i}-{r}")
        await self._expect(pending, auth, [x, y, x, y], status="pending")
        answers = await asyncio.gather(
            self._confirm(x, auth, pending, customer.card),
            self._confirm(y, auth, pending, customer.card),
        )
        assert sorted(a.status_code for a in answers) == [200, 409], [
            (a.status_code, a.text) for a in answers
        ]
        self.tally.confirm_races += 1
        await self._expect(pending, auth, [w, x, y], status="completed")

        # A partial refund through the writer, read through the others.
        refund = await self._post(
            w, f"/v1/payments/{paid}/refunds", self.admin, {"amount": 100}
        )
        assert refund.status_code == 201, refund.text
        assert refund.json()["status"] == "succeeded", refund.text
        await self._expect(
            paid, auth, [x, y], status="partially_refunded", amount_refunded=100
        )
        await self._expect_listed(paid, auth, y, status="partially_refunded")

        # A full refund through two processes at once: one wins.
        path = f"/v1/payments/{pending}/refunds"
        refunds = await asyncio.gather(
            self._post(x, path, self.admin, {"amount": amount + 1}),
            self._post(y, path, self.admin, {"amount": amount + 1}),
        )
        codes = sorted(a.status_code for a in refunds)
        assert codes[0] == 201 and codes[1] in (409, 422), [
            (a.status_code, a.text) for a in refunds
        ]
        won = next(a for a in refunds if a.status_code == 201)
        assert won.json()["status"] == "succeeded", won.text
        self.tally.refund_races += 1
        await self._expect(pending, auth, [w, x, y], status="refunded")

        if r % 2 == 0:  # a declined card: payment.failed
            body = {
                "amount": amount + 2,
                "currency": "usd",
                "payment_method": customer.declining_card,
                "confirm": True,
                "metadata": {"run": self.tag},
            }
            failed = await self._post(x, "/v1/payments", auth, body)
            assert failed.status_code == 201, failed.text
            assert failed.json()["status"] == "failed", failed.text
            await self._expect(failed.json()["id"], auth, [w, y], status="failed")
        else:  # a pending payment canceled through one process
            doomed = await self._create(x, auth, amount + 3, f"cancel-{i}-{r}")
            await self._expect(doomed, auth, [w, y], status="pending")
            canceled = await self._post(y, f"/v1/payments/{doomed}/cancel", auth, {})
            assert canceled.status_code == 200, canceled.text
            await self._expect(doomed, auth, [w, x], status="canceled")

    async def _same_key_on_every_process(
        self, key: str, customer: Customer, amount: int
    ) -> str:
        body = {
            "amount": amount,
            "currency": "usd",
            "payment_method": customer.card,
            "confirm": True,
            "metadata": {"run": self.tag, "same_key": key},
        }

        async def until_answered(api: int) -> httpx.Response:
            for _ in range(RETRIES_IN_USE):
                answer = await self._post(api, "/v1/payments", customer.auth, body, key)
                if answer.status_code != 409:
                    return answer
                assert answer.json()["code"] == "idempotency_key_in_use", answer.text
                self.tally.ops["same_key_in_use"] += 1
                await asyncio.sleep(0.05)
            raise AssertionError(f"{key}: still in use after {RETRIES_IN_USE} tries")

        answers = await asyncio.gather(
            *(until_answered(api) for api in range(len(self.apis)))
        )
        for answer in answers:
            assert answer.status_code == 201, answer.text
            assert answer.json()["status"] == "completed", answer.text
            replayed = answer.headers.get("Idempotent-Replayed") == "true"
            self.tally.ops["same_key_replayed" if replayed else "same_key_ran"] += 1
        ids = {a.json()["id"] for a in answers}
        self.tally.same_key[key] = ids
        return next(iter(ids))

    async def _retried_elsewhere(
        self, key: str, customer: Customer, first: int, then: int
    ) -> None:
        body = {
            "amount": 777,
            "currency": "usd",
            "payment_method": customer.timeout_card,
            "confirm": True,
            "metadata": {"run": self.tag, "same_key": key},
        }
        unknown = await self._post(first, "/v1/payments", customer.auth, body, key)
        assert unknown.status_code == 503, unknown.text
        retried = await self._post(then, "/v1/payments", customer.auth, body, key)
        assert retried.status_code == 201, retried.text
        assert retried.json()["status"] == "completed", retried.text
        self.tally.same_key[key] = {retried.json()["id"]}
        self.tally.retried_elsewhere += 1

    async def _create(
        self, api: int, auth: dict[str, str], amount: int, note: str
    ) -> str:
        body = {
            "amount": amount,
            "currency": "usd",
            "metadata": {"run": self.tag, "note": note},
        }
        created = await self._post(api, "/v1/payments", auth, body)
        assert created.status_code == 201, created.text
        return str(created.json()["id"])

    async def _confirm(
        self, api: int, auth: dict[str, str], payment: str, card: str
    ) -> httpx.Response:
        path = f"/v1/payments/{payment}/confirm"
        return await self._post(api, path, auth, {"payment_method": card})

    async def _post(
        self,
        api: int,
        path: str,
        auth: dict[str, str],
        body: dict[str, Any],
        key: str | None = None,
    ) -> httpx.Response:
        self.tally.ops["write"] += 1
        headers = auth | {"Idempotency-Key": key or uuid.uuid4().hex}
        return await self.apis[api].post(path, json=body, headers=headers)

    async def _expect(
        self, payment: str, auth: dict[str, str], apis: list[int], **fields: object
    ) -> None:
        """Read `payment` through each of `apis`; a field that differs from
        `fields` is a stale read."""
        for api in apis:
            self.tally.ops["read"] += 1
            read = await self.apis[api].get(f"/v1/payments/{payment}", headers=auth)
            assert read.status_code == 200, read.text
            self._compare(read.json(), fields, f"GET {payment} via API {api}")

    async def _expect_listed(
        self, payment: str, auth: dict[str, str], api: int, **fields: object
    ) -> None:
        self.tally.ops["read"] += 1
        listed = await self.apis[api].get("/v1/payments", headers=auth)
        assert listed.status_code == 200, listed.text
        found = [p for p in listed.json()["data"] if p["id"] == payment]
        assert found, f"{payment} missing from the list via API {api}"
        self._compare(found[0], fields, f"list with {payment} via API {api}")

    def _compare(
        self, seen: dict[str, Any], fields: dict[str, object], where: str
    ) -> None:
        for name, value in fields.items():
            if seen[name] != value:
                self.tally.stale.append(
                    f"{where}: {name}={seen[name]!r}, not {value!r}"
                )


def new_customer(
    registrar: httpx.Client, other: httpx.Client, tag: str, i: int
) -> Customer:
    """Registered through one process, logged in and given cards through
    another."""
    credentials = {"email": f"scale-{tag}-{i}@example.com", "password": PASSWORD}
    assert registrar.post("/v1/auth/register", json=credentials).status_code == 201
    login = other.post("/v1/auth/login", json=credentials)
    assert login.status_code == 200, login.text
    auth = {"Authorization": f"Bearer {login.json()['access_token']}"}

    def card(number: str, via: httpx.Client) -> str:
        body = {"number": number, "exp_month": 12, "exp_year": 2031, "cvc": "123"}
        made = via.post("/v1/payment-methods", json={"type": "card", "card": body},
                        headers=auth)  # fmt: skip
        assert made.status_code == 201, made.text
        return str(made.json()["id"])

    return Customer(
        auth, card(VISA, registrar), card(DECLINED, other), card(TIMES_OUT, other)
    )


async def run_load(
    urls: list[str],
    admin: dict[str, str],
    customers: list[Customer],
    tag: str,
    bounds: tuple[float, int],
) -> Tally:
    """The load through every URL; `bounds`: (seconds, rounds)."""
    clients = [httpx.AsyncClient(base_url=url, timeout=30) for url in urls]
    try:
        load = MixedLoad(clients, admin, customers, tag)
        return await load.run(*bounds)
    finally:
        for client in clients:
            await client.aclose()

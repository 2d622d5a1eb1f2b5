"""A small in-memory stand-in for the legacy PHP API behind an
httpx.MockTransport: its shapes (decimal strings, naive times, 15 per page,
lists without items), its statuses and its 422s. The real app is exercised by
tests/integration/legacy; this one lets the anti-corruption layer's unit
tests run without I/O and count the calls it makes."""

import json
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import httpx

TRANSITIONS = {
    "pending": {"processing", "holded", "canceled"},
    "processing": {"complete", "holded", "canceled", "closed"},
    "holded": {"pending", "processing", "canceled"},
    "complete": {"closed"},
}


@dataclass
class FakeLegacyApi:
    orders: dict[int, dict[str, Any]] = field(default_factory=dict)
    calls: list[str] = field(default_factory=list)
    answer: httpx.Response | None = None  # forced answer for every call

    def add(self, status: str = "pending", *, customer: int = 42, **fields: Any) -> int:
        number = len(self.orders) + 1
        self.orders[number] = {
            "id": number,
            "increment_id": str(100000000 + number),
            "customer_id": customer,
            "status": status,
            "currency_code": "EUR",
            "sub_total": "19.9800",
            "grand_total": "19.9800",
            "created_at": f"2026-06-01 {10 + number // 60:02d}:{number % 60:02d}:00",
            "updated_at": f"2026-06-01 {10 + number // 60:02d}:{number % 60:02d}:00",
            "deleted_at": None,
            "items": [
                {
                    "sku": "MUG",
                    "name": "Mug",
                    "qty": 2,
                    "price": "9.9900",
                    "row_total": "19.9800",
                }
            ],
            **fields,
        }
        return number

    def client(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(
            transport=httpx.MockTransport(self.handle), base_url="http://legacy.test"
        )

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.calls.append(f"{request.method} {request.url.path}")
        if self.answer is not None:
            return self.answer
        body = json.loads(request.content) if request.content else {}
        path = request.url.path
        if request.method == "POST" and path == "/api/orders":
            return self.create(body)
        if request.method == "GET" and path == "/api/orders":
            return self.list(request.url.params)
        found = re.fullmatch(r"/api/orders/(\d+)(/cancel|/status)?", path)
        order = self.orders.get(int(found.group(1))) if found else None
        if found is None or order is None:
            return httpx.Response(404, json={"message": "No query results"})
        if found.group(2) == "/cancel":
            return self.change(order, "canceled", cancel=True)
        if found.group(2) == "/status":
            return self.change(order, body["status"])
        return httpx.Response(200, json=order)

    def create(self, body: dict[str, Any]) -> httpx.Response:
        if any(item["qty"] < 1 for item in body["items"]):
            errors = {"items.0.qty": ["The items.0.qty field must be at least 1."]}
            return httpx.Response(422, json={"message": "at least 1", "errors": errors})
        total = sum(Decimal(i["price"]) * i["qty"] for i in body["items"])
        number = self.add(
            customer=body["customer_id"],
            currency_code=body["currency"],
            sub_total=f"{total:.4f}",
            grand_total=f"{total:.4f}",
            items=[
                {
                    **i,
                    "price": f"{Decimal(i['price']):.4f}",
                    "row_total": f"{Decimal(i['price']) * i['qty']:.4f}",
                }
                for i in body["items"]
            ],
        )
        return httpx.Response(201, json=self.orders[number])

    def change(
        self, order: dict[str, Any], status: str, *, cancel: bool = False
    ) -> httpx.Response:
        if order["status"] == status:
            return httpx.Response(200, json=order)
        if status not in TRANSITIONS.get(order["status"], set()):
            message = f"The status cannot change from {order['status']} to {status}."
            errors = {"status": [message]}
            return httpx.Response(422, json={"message": message, "errors": errors})
        order["status"] = status
        return httpx.Response(200, json=order)

    def list(self, params: httpx.QueryParams) -> httpx.Response:
        rows = [
            {k: v for k, v in order.items() if k != "items"}
            for order in self.orders.values()
            if str(order["customer_id"])
            == params.get("customer_id", str(order["customer_id"]))
            and order["status"] == params.get("status", order["status"])
        ]
        rows.sort(key=lambda o: (o["created_at"], o["id"]), reverse=True)
        page = int(params.get("page", "1"))
        last = max(1, -(-len(rows) // 15))
        return httpx.Response(
            200,
            json={
                "current_page": page,
                "data": rows[(page - 1) * 15 : page * 15],
                "last_page": last,
            },
        )

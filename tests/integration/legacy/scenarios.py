"""The characterization scenarios: what the legacy app is asked, step by step.
Each scenario uses customer ids of its own so that they can share a database.
Running one returns its golden (see characterization.py)."""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from tests.integration.legacy.characterization import Normaliser


@dataclass
class Recorder:
    """Calls the app and records each step, normalised."""

    http: httpx.Client
    token: str
    normaliser: Normaliser
    steps: list[dict[str, Any]] = field(default_factory=list)

    def call(
        self,
        step: str,
        method: str,
        path: str,
        body: Any = None,
        *,
        auth: str = "valid",
        raw: str | None = None,
        record: bool = True,
    ) -> Any:
        """One request; returns the decoded answer (None when empty).
        auth: "valid", "none" or "wrong". raw: a body sent as is (not JSON)."""
        headers = {"Accept": "application/json"}
        if auth != "none":
            headers["Authorization"] = "Bearer " + (
                self.token if auth == "valid" else "not-the-token"
            )
        content = raw if raw is not None else None
        response = self.http.request(
            method,
            path,
            headers=headers,
            json=body if raw is None and body is not None else None,
            content=content,
        )
        decoded = response.json() if response.content else None
        if record:
            request: dict[str, Any] = {
                "method": method,
                "path": self.normaliser.path(path),
                "auth": auth,
            }
            if body is not None or raw is not None:
                request["body" if raw is None else "raw_body"] = (
                    body if raw is None else raw
                )
            self.steps.append(
                {
                    "step": step,
                    "request": request,
                    "response": {
                        "status": response.status_code,
                        "body": self.normaliser.body(decoded),
                    },
                }
            )
        return decoded


def item(sku: str, qty: int, price: Any, name: str | None = None) -> dict[str, Any]:
    return {"sku": sku, "name": name or f"Product {sku}", "qty": qty, "price": price}


def order(customer_id: int, *items: dict[str, Any], currency: str = "EUR") -> Any:
    return {"customer_id": customer_id, "currency": currency, "items": list(items)}


def create_order(rec: Recorder) -> None:
    body = order(
        70001,
        item("TEA-1", 3, "0.1", name="Thé vert"),
        item("MUG-2", 1, "19.99"),
        item("SPOON", 2, "1.2345"),
        currency="eur",
    )
    created = rec.call("create", "POST", "/api/orders", body)
    rec.call("read back", "GET", f"/api/orders/{created['id']}")
    rec.call(
        "a JSON number as price and a client total (ignored)",
        "POST",
        "/api/orders",
        {**order(70001, item("CAKE", 2, 4.5)), "grand_total": "1.00", "x": 1},
    )


def create_order_invalid(rec: Recorder) -> None:
    rec.call("empty body", "POST", "/api/orders", {})
    rec.call("not JSON", "POST", "/api/orders", raw="customer_id=1")
    rec.call("no items", "POST", "/api/orders", order(70002))
    rec.call(
        "every item field wrong",
        "POST",
        "/api/orders",
        {
            "customer_id": "abc",
            "currency": "EURO",
            "items": [
                {"qty": 0, "price": "1.23456"},
                {"sku": 5, "name": "x", "qty": 1.5, "price": "-1"},
            ],
        },
    )
    rec.call(
        "currency with digits, quantity too large",
        "POST",
        "/api/orders",
        {"customer_id": 0, "currency": "EU1", "items": [item("A", 10000, "1")]},
    )
    rec.call(
        "totals past DECIMAL(12,4): a 500",
        "POST",
        "/api/orders",
        order(70002, item("GOLD", 9999, "99999999")),
    )


def get_order(rec: Recorder) -> None:
    created = rec.call("create", "POST", "/api/orders", order(70003, item("A", 1, "5")))
    rec.call("by id", "GET", f"/api/orders/{created['id']}")
    rec.call("by id with trailing junk", "GET", f"/api/orders/{created['id']}abc")
    rec.call("unknown id", "GET", "/api/orders/999999999")
    rec.call("not a number", "GET", "/api/orders/abc")


def list_orders(rec: Recorder) -> None:
    ids = [
        rec.call(
            "create",
            "POST",
            "/api/orders",
            order(70004, item(f"SKU-{n}", n % 3 + 1, f"{n}.50")),
            record=False,
        )["id"]
        for n in range(17)
    ]
    rec.call(
        "process one",
        "PATCH",
        f"/api/orders/{ids[0]}/status",
        {"status": "processing"},
        record=False,
    )
    rec.call("page 1", "GET", "/api/orders?customer_id=70004")
    rec.call("page 2", "GET", "/api/orders?customer_id=70004&page=2")
    rec.call("past the last page", "GET", "/api/orders?customer_id=70004&page=3")
    rec.call("page not a number", "GET", "/api/orders?customer_id=70004&page=x")
    rec.call("by status", "GET", "/api/orders?customer_id=70004&status=processing")
    rec.call("nobody's", "GET", "/api/orders?customer_id=79999")


def cancel_order(rec: Recorder) -> None:
    first = rec.call("create", "POST", "/api/orders", order(70005, item("A", 1, "5")))
    rec.call("cancel pending", "POST", f"/api/orders/{first['id']}/cancel")
    rec.call("cancel again", "POST", f"/api/orders/{first['id']}/cancel")
    held = rec.call("create", "POST", "/api/orders", order(70005, item("B", 1, "5")))
    rec.call("hold", "PATCH", f"/api/orders/{held['id']}/status", {"status": "holded"})
    rec.call("cancel held", "POST", f"/api/orders/{held['id']}/cancel")
    done = rec.call("create", "POST", "/api/orders", order(70005, item("C", 1, "5")))
    for status in ("processing", "complete"):
        rec.call(
            status, "PATCH", f"/api/orders/{done['id']}/status", {"status": status}
        )
    rec.call("cancel complete", "POST", f"/api/orders/{done['id']}/cancel")
    rec.call("cancel unknown", "POST", "/api/orders/999999999/cancel")


def change_status(rec: Recorder) -> None:
    created = rec.call(
        "create", "POST", "/api/orders", order(70006, item("A", 2, "7.25"))
    )
    path = f"/api/orders/{created['id']}/status"
    for status in (
        "processing",
        "holded",
        "processing",
        "processing",
        "complete",
        "closed",
    ):
        rec.call(f"to {status}", "PATCH", path, {"status": status})
    rec.call("closed to processing", "PATCH", path, {"status": "processing"})
    rec.call("a status that does not exist", "PATCH", path, {"status": "completed"})
    rec.call("no status", "PATCH", path, {})
    other = rec.call("create", "POST", "/api/orders", order(70006, item("B", 1, "1")))
    other_path = f"/api/orders/{other['id']}/status"
    rec.call("pending to complete", "PATCH", other_path, {"status": "complete"})
    rec.call("old spelling cancelled", "PATCH", other_path, {"status": "cancelled"})


def soft_delete(rec: Recorder) -> None:
    created = rec.call("create", "POST", "/api/orders", order(70007, item("A", 1, "5")))
    path = f"/api/orders/{created['id']}"
    rec.call("delete", "DELETE", path)
    rec.call("read deleted", "GET", path)
    rec.call("delete again", "DELETE", path)
    rec.call("cancel deleted", "POST", path + "/cancel")
    rec.call("list without it", "GET", "/api/orders?customer_id=70007")


def auth_and_routing(rec: Recorder) -> None:
    rec.call("no token", "GET", "/api/orders", auth="none")
    rec.call(
        "wrong token",
        "POST",
        "/api/orders",
        order(70008, item("A", 1, "1")),
        auth="wrong",
    )
    rec.call("no token, unknown order", "GET", "/api/orders/999999999", auth="none")
    rec.call("unknown route, no token", "GET", "/api/customers", auth="none")
    rec.call("method not allowed", "PUT", "/api/orders/1", {})
    rec.call("health, no token", "GET", "/up", auth="none")


SCENARIOS: dict[str, tuple[str, Callable[[Recorder], None]]] = {
    "create_order": (
        "201 with the order and its items; totals computed server-side in "
        "4-place decimal strings; currency upper-cased; unknown fields ignored",
        create_order,
    ),
    "create_order_invalid": (
        "422 with Laravel's {message, errors} per field; a body that is not "
        "JSON counts as empty; totals past DECIMAL(12,4) answer 500",
        create_order_invalid,
    ),
    "get_order": ("200 with items; 404 with Laravel's model message", get_order),
    "list_orders": (
        "Laravel's paginator, 15 per page, newest first, without items; the "
        "page links drop the filters",
        list_orders,
    ),
    "cancel_order": (
        "pending/holded/processing → canceled; canceling twice is a 200 no-op; "
        "complete → 422",
        cancel_order,
    ),
    "change_status": (
        "the allowed status changes; others 422; the same status is a no-op; "
        "'cancelled' is stored as 'canceled'",
        change_status,
    ),
    "soft_delete": ("204, then the order is gone everywhere (404)", soft_delete),
    "auth_and_routing": (
        "401 without the bearer token; route 404/405 come before auth",
        auth_and_routing,
    ),
}


def run(name: str, http: httpx.Client, token: str, base_url: str) -> dict[str, Any]:
    """Run one scenario against a live app and return its golden."""
    outcome, scenario = SCENARIOS[name]
    recorder = Recorder(http, token, Normaliser(base_url))
    scenario(recorder)
    return {"scenario": name, "outcome": outcome, "steps": recorder.steps}

"""The legacy shop's HTTP API spoken in API.md's terms (/v1/orders): the
strangler router's proxy path and the shadow reads use this, never the
legacy JSON directly. Answers are API.md order objects (dicts); failures are
`LegacyProblem`s (see `legacy_http_translation`).

Ids: a legacy row answers as `order_id_of_legacy_row` (till's id for rows the
dual-write made, else `order_id_for_legacy(id)`, which decodes back without
a lookup). Customers go through the `LegacyCustomerMap`.

Transitions legacy cannot store (it has one `processing` for paid and
fulfilled, one `complete` for shipped and delivered):
- fulfill: the order must be `processing`; NOTHING is written (the legacy
  change would be processing → processing, a no-op), and the answer says
  `fulfilled`. A later GET says `paid` again — legacy cannot remember it;
  reconciliation compares in legacy space, where both are `processing`.
- ship: the order must be `processing`; PATCH `complete`; answers `shipped`
  (a later GET says `delivered`, the backfill's reading of `complete`).
- deliver: the order must be `complete`; nothing is written; `delivered`.
The state check happens here (legacy would accept pending → processing for a
"fulfill"): a refused transition is 409 `invalid_state`, as API.md says.
Cancel is the legacy's own endpoint, idempotent: cancelling a canceled order
answers 200 unchanged (legacy's semantics, kept); complete/closed → 409.
"""

import asyncio
from collections.abc import Mapping, Sequence
from typing import Any, Self
from zoneinfo import ZoneInfo

import httpx

from till.migration.core.legacy_errors import UnmappableLegacyValue
from till.migration.core.legacy_ids import legacy_id_in_order_id
from till.migration.core.legacy_mapping import new_order_from_legacy
from till.migration.core.legacy_money import (
    legacy_decimal_text,
    legacy_from_minor_units,
)
from till.migration.core.legacy_orders import LegacyOrder
from till.migration.core.legacy_status import LEGACY_TO_NEW, comparable_legacy_status
from till.migration.core.ports import LegacyCustomerMap
from till.migration.shell.adapters.legacy_http_listing import LegacyListing
from till.migration.shell.adapters.legacy_http_translation import (
    LegacyProblem,
    order_from_answer,
    problem_from_legacy,
    unavailable,
)
from till.platform.request_context import request_id_var

# action → (legacy status it requires, legacy status to write or None, shown as)
_TRANSITIONS = {
    "fulfill": ("processing", None, "fulfilled"),
    "ship": ("processing", "complete", "shipped"),
    "deliver": ("complete", None, "delivered"),
}


class LegacyHttpOrders:
    def __init__(
        self, http: httpx.AsyncClient, *, customers: LegacyCustomerMap, tz: ZoneInfo
    ) -> None:
        self._http = http
        self._customers = customers
        self._tz = tz
        self._listing = LegacyListing(self._call, self._view_many)

    @classmethod
    def connect(
        cls,
        base_url: str,
        token: str,
        *,
        customers: LegacyCustomerMap,
        tz: ZoneInfo,
        timeout_seconds: float = 10.0,
    ) -> Self:
        http = httpx.AsyncClient(
            base_url=base_url,
            headers={"Authorization": f"Bearer {token}", "Accept": "application/json"},
            timeout=timeout_seconds,
            event_hooks={"request": [_pass_request_id]},
        )
        return cls(http, customers=customers, tz=tz)

    async def aclose(self) -> None:
        await self._http.aclose()

    async def create(
        self,
        *,
        customer_id: str | None,
        currency: str,
        items: Sequence[Mapping[str, Any]],
    ) -> dict[str, Any]:
        """POST /v1/orders → 201's order object (the caller answers 201)."""
        body = {
            "customer_id": await self._legacy_customer(customer_id),
            "currency": currency.upper(),
            "items": [_legacy_line(line, currency) for line in items],
        }
        created = await self._call("POST", "/api/orders", "create", json=body)
        return self._view(order_from_answer(created), customer_id)

    async def get(
        self, order_id: str, *, legacy_id: int | None = None
    ) -> dict[str, Any]:
        return (await self._views([await self._fetch(order_id, legacy_id)]))[0]

    async def list_orders(
        self,
        *,
        customer_id: str | None = None,
        status: str | None = None,
        limit: int = 20,
        starting_after: str | None = None,
    ) -> dict[str, Any]:
        """API.md's list (`{data, has_more}`, newest first) over legacy pages."""
        legacy_customer = None
        if customer_id is not None:
            legacy_customer = await self._customers.find_legacy_customer(customer_id)
            if legacy_customer is None:
                return {"data": [], "has_more": False}
        return await self._listing.page(
            legacy_customer, status, limit=limit, starting_after=starting_after
        )

    async def cancel(
        self, order_id: str, *, legacy_id: int | None = None
    ) -> dict[str, Any]:
        number = _legacy_number(order_id, legacy_id)
        canceled = await self._call("POST", f"/api/orders/{number}/cancel", "cancel")
        return (await self._views([order_from_answer(canceled)]))[0]

    async def transition(
        self, action: str, order_id: str, *, legacy_id: int | None = None
    ) -> dict[str, Any]:
        """`fulfill`, `ship` or `deliver` (see the module docstring)."""
        required, write, shown = _TRANSITIONS[action]
        order = await self._fetch(order_id, legacy_id)
        if comparable_legacy_status(order.status) != required:
            raise LegacyProblem(
                409,
                "invalid_state",
                f"cannot {action} when status is {self._status_of(order)}",
            )
        if write is not None:
            path = f"/api/orders/{order.id}/status"
            changed = await self._call("PATCH", path, action, json={"status": write})
            order = order_from_answer(changed)
        view = (await self._views([order]))[0]
        return {**view, "status": shown}

    async def _fetch(self, order_id: str, legacy_id: int | None) -> LegacyOrder:
        number = _legacy_number(order_id, legacy_id)
        return order_from_answer(
            await self._call("GET", f"/api/orders/{number}", "get")
        )

    async def _call(
        self, method: str, path: str, action: str, **kwargs: Any
    ) -> dict[str, Any]:
        try:
            response = await self._http.request(method, path, **kwargs)
        except httpx.TransportError:
            raise unavailable(action) from None
        if response.status_code not in (200, 201):
            raise problem_from_legacy(response, action=action)
        try:
            body: dict[str, Any] = response.json()
        except ValueError:
            raise LegacyProblem(
                502, "bad_gateway", "Legacy answered no JSON."
            ) from None
        return body

    async def _views(self, orders: Sequence[LegacyOrder]) -> list[dict[str, Any]]:
        customers = await self._customers.customers_for_legacy(
            [order.customer_id for order in orders]
        )
        return [self._view(order, customers[order.customer_id]) for order in orders]

    async def _view_many(self, rows: Sequence[LegacyOrder]) -> list[dict[str, Any]]:
        """List rows have no items: each order is read whole, a few at a time."""
        gate = asyncio.Semaphore(8)

        async def whole(row: LegacyOrder) -> LegacyOrder:
            async with gate:
                return await self._fetch("", row.id)

        return await self._views(await asyncio.gather(*(whole(r) for r in rows)))

    def _view(self, order: LegacyOrder, customer_id: str | None) -> dict[str, Any]:
        try:
            return new_order_from_legacy(
                order, customer_id=customer_id, tz=self._tz
            ).to_api()
        except UnmappableLegacyValue as error:
            raise LegacyProblem(
                502, "bad_gateway", f"legacy order {order.id}: {error.message}"
            ) from None

    def _status_of(self, order: LegacyOrder) -> str:
        return LEGACY_TO_NEW.get(order.status, order.status)

    async def _legacy_customer(self, customer_id: str | None) -> int:
        if customer_id is None:
            raise LegacyProblem(
                422,
                "validation_error",
                "legacy orders need a customer",
                param="customer_id",
            )
        return await self._customers.legacy_customer_for(customer_id)


async def _pass_request_id(request: httpx.Request) -> None:
    """The legacy shop's logs can name the till request that asked."""
    request_id = request_id_var.get()
    if request_id:
        request.headers["X-Request-Id"] = request_id


def _legacy_number(order_id: str, legacy_id: int | None) -> int:
    number = legacy_id if legacy_id is not None else legacy_id_in_order_id(order_id)
    if number is None:
        raise LegacyProblem(404, "not_found", "No such order.")
    return number


def _legacy_line(line: Mapping[str, Any], currency: str) -> dict[str, Any]:
    try:
        price = legacy_from_minor_units(
            line["unit_amount"], currency, param="unit_amount"
        )
        return {
            "sku": line["sku"],
            "name": line["name"],
            "qty": line["quantity"],
            "price": legacy_decimal_text(price),
        }
    except UnmappableLegacyValue as error:
        raise LegacyProblem(
            422, "validation_error", error.message, param=error.param
        ) from None
    except (KeyError, TypeError):
        raise LegacyProblem(
            422,
            "validation_error",
            "items need sku, name, quantity, unit_amount",
            param="items",
        ) from None

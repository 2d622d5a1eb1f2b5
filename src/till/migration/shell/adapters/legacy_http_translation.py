"""The legacy API's bodies and errors ↔ API.md's (the anti-corruption layer's
vocabulary; `legacy_http_orders` does the calls).

Errors become problem documents (`LegacyProblem`, a `ProblemError`, so the
router can raise it as is):
- 404 → 404 `not_found`;
- 422 on create → 422 `validation_error`, `param` in API.md's words
  (`items.0.qty` → `items.0.quantity`, `price` → `unit_amount`);
- 422 on cancel or a status change → 409 `invalid_state` (legacy refuses a
  transition with a 422 in the validation shape; API.md says 409);
- 401/403 → 502 `bad_gateway`: the caller is not at fault, our
  LEGACY_API_TOKEN is;
- 5xx and anything unexpected → 502 `bad_gateway`; no answer → 503
  `service_unavailable`.
"""

import re
from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

import httpx

from till.migration.core.legacy_errors import UnmappableLegacyValue
from till.migration.core.legacy_orders import LegacyItem, LegacyOrder
from till.platform.problems import ProblemError

STAMP = "%Y-%m-%d %H:%M:%S"
_FIELDS = {"qty": "quantity", "price": "unit_amount"}


class LegacyProblem(ProblemError):
    """A legacy answer in API.md's error vocabulary."""


def legacy_order_from_json(body: Mapping[str, Any]) -> LegacyOrder:
    """An order as the legacy API answers it (create, get, list rows: lists
    carry no items, so `items` is then empty)."""
    try:
        return LegacyOrder(
            id=int(body["id"]),
            increment_id=body.get("increment_id"),
            customer_id=int(body["customer_id"]),
            status=str(body["status"]),
            currency_code=str(body["currency_code"]),
            sub_total=Decimal(str(body["sub_total"])),
            grand_total=Decimal(str(body["grand_total"])),
            items=tuple(_item(item) for item in body.get("items") or ()),
            created_at=_stamp(body.get("created_at")),
            updated_at=_stamp(body.get("updated_at")),
            deleted_at=_stamp(body.get("deleted_at")),
        )
    except (KeyError, TypeError, ValueError, InvalidOperation) as error:
        raise UnmappableLegacyValue(f"not a legacy order: {error}") from None


def order_from_answer(body: Mapping[str, Any]) -> LegacyOrder:
    """`legacy_order_from_json`, a malformed answer being a 502."""
    try:
        return legacy_order_from_json(body)
    except UnmappableLegacyValue as error:
        raise LegacyProblem(502, "bad_gateway", error.message) from None


def problem_from_legacy(response: httpx.Response, *, action: str) -> LegacyProblem:
    message = _message(response)
    status = response.status_code
    if status == 404:
        return LegacyProblem(404, "not_found", "No such order.")
    if status in (401, 403):
        return LegacyProblem(
            502, "bad_gateway", "The legacy shop refused LEGACY_API_TOKEN."
        )
    if status == 422 and action == "create":
        return LegacyProblem(422, "validation_error", message, param=_param(response))
    if status == 422:
        return LegacyProblem(409, "invalid_state", message)
    return LegacyProblem(
        502, "bad_gateway", f"The legacy shop answered {status} to {action}."
    )


def unavailable(action: str) -> LegacyProblem:
    return LegacyProblem(
        503, "service_unavailable", f"The legacy shop did not answer {action}."
    )


def _item(item: Mapping[str, Any]) -> LegacyItem:
    return LegacyItem(
        sku=str(item["sku"]),
        name=str(item["name"]),
        qty=int(item["qty"]),
        price=Decimal(str(item["price"])),
        row_total=Decimal(str(item["row_total"])),
    )


def _stamp(value: object) -> datetime | None:
    return None if value is None else datetime.strptime(str(value), STAMP)


def _body(response: httpx.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def _message(response: httpx.Response) -> str:
    message = _body(response).get("message")
    return message if isinstance(message, str) else "The legacy shop said no."


def _param(response: httpx.Response) -> str | None:
    errors = _body(response).get("errors")
    if not isinstance(errors, dict) or not errors:
        return None
    key = str(next(iter(errors)))
    return re.sub(r"[a-z_]+$", lambda m: _FIELDS.get(m.group(0), m.group(0)), key)

from datetime import datetime
from decimal import Decimal

import httpx
import pytest

from till.migration.core.legacy_errors import UnmappableLegacyValue
from till.migration.shell.adapters.legacy_http_translation import (
    LegacyProblem,
    legacy_order_from_json,
    order_from_answer,
    problem_from_legacy,
)

LIST_ROW = {
    "id": 7,
    "increment_id": "100000007",
    "customer_id": 42,
    "status": "holded",
    "currency_code": "EUR",
    "sub_total": "0.3000",
    "grand_total": "0.3000",
    "created_at": "2026-11-26 14:03:00",
    "updated_at": "2026-11-26 14:03:00",
    "deleted_at": None,
}


def test_a_list_row_reads_without_items_and_with_naive_times() -> None:
    order = legacy_order_from_json(LIST_ROW)
    assert order.items == ()
    assert order.sub_total == Decimal("0.3000")
    assert order.created_at == datetime(2026, 11, 26, 14, 3)
    assert order.deleted_at is None


@pytest.mark.parametrize(
    "changes",
    [{"created_at": "2026-11-26T14:03:00Z"}, {"sub_total": "abc"}, {"id": None}],
)
def test_malformed_legacy_orders_are_refused(changes: dict[str, object]) -> None:
    with pytest.raises(UnmappableLegacyValue, match="not a legacy order"):
        legacy_order_from_json({**LIST_ROW, **changes})
    with pytest.raises(LegacyProblem):
        order_from_answer({**LIST_ROW, **changes})


@pytest.mark.parametrize(
    ("key", "param"),
    [
        ("items.3.price", "items.3.unit_amount"),
        ("items.0.qty", "items.0.quantity"),
        ("items.1.sku", "items.1.sku"),
        ("currency", "currency"),
    ],
)
def test_create_errors_name_the_api_field(key: str, param: str) -> None:
    answer = httpx.Response(422, json={"message": "m", "errors": {key: ["m"]}})
    problem = problem_from_legacy(answer, action="create")
    assert (problem.status, problem.code, problem.param) == (
        422,
        "validation_error",
        param,
    )


def test_status_refusals_are_invalid_state_with_legacys_message() -> None:
    message = "The status cannot change from closed to processing."
    answer = httpx.Response(
        422, json={"message": message, "errors": {"status": [message]}}
    )
    problem = problem_from_legacy(answer, action="ship")
    assert (problem.status, problem.code, problem.detail) == (
        409,
        "invalid_state",
        message,
    )


@pytest.mark.parametrize("status", [401, 403, 405, 500, 503])
def test_the_callers_are_not_blamed_for_legacys_failures(status: int) -> None:
    problem = problem_from_legacy(httpx.Response(status, text="x"), action="get")
    assert (problem.status, problem.code) == (502, "bad_gateway")

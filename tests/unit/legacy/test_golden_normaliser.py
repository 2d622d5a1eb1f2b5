"""The normaliser that makes a live legacy answer comparable with a golden:
volatile values become placeholders only when they have the legacy format."""

from tests.integration.legacy.characterization import Normaliser

BASE = "http://127.0.0.1:41234"


def an_order(order_id: int, *item_ids: int) -> dict[str, object]:
    return {
        "id": order_id,
        "increment_id": str(100000000 + order_id),
        "status": "pending",
        "created_at": "2026-11-26 14:03:00",
        "items": [
            {"id": item_id, "order_id": order_id, "sku": "A", "qty": 1}
            for item_id in item_ids
        ],
    }


def test_orders_are_numbered_by_first_appearance_and_stay_so() -> None:
    norm = Normaliser(BASE)
    assert norm.body(an_order(42))["id"] == "<order 1>"
    assert norm.body(an_order(7))["id"] == "<order 2>"
    assert norm.body(an_order(42))["id"] == "<order 1>"


def test_items_get_their_own_numbers_and_point_at_their_order() -> None:
    body = Normaliser(BASE).body(an_order(42, 900, 901))
    assert [(i["id"], i["order_id"]) for i in body["items"]] == [
        ("<item 1>", "<order 1>"),
        ("<item 2>", "<order 1>"),
    ]
    assert body["items"][0]["sku"] == "A"


def test_an_increment_id_of_the_legacy_form_becomes_a_placeholder() -> None:
    norm = Normaliser(BASE)
    assert norm.body(an_order(5))["increment_id"] == "<increment_id>"
    odd = {**an_order(6), "increment_id": "ORD-6"}
    assert norm.body(odd)["increment_id"] == "ORD-6"


def test_naive_local_timestamps_become_placeholders_other_forms_stay() -> None:
    norm = Normaliser(BASE)
    order = {**an_order(1), "updated_at": "2026-11-26T13:03:00.000000Z"}
    order["deleted_at"] = None
    body = norm.body(order)
    assert body["created_at"] == "<local datetime>"
    assert body["updated_at"] == "2026-11-26T13:03:00.000000Z"
    assert body["deleted_at"] is None


def test_the_server_address_in_urls_becomes_base() -> None:
    page = {
        "path": BASE + "/api/orders",
        "links": [{"url": BASE + "/api/orders?page=2"}],
    }
    body = Normaliser(BASE).body(page)
    assert body == {
        "path": "<base>/api/orders",
        "links": [{"url": "<base>/api/orders?page=2"}],
    }


def test_not_found_messages_name_known_orders_by_placeholder() -> None:
    norm = Normaliser(BASE)
    norm.order(31)
    known = {"message": "No query results for model [App\\Models\\Order] 31"}
    unknown = {"message": "No query results for model [App\\Models\\Order] 999999999"}
    assert norm.body(known)["message"].endswith("] <order 1>")
    assert norm.body(unknown) == unknown


def test_paths_name_known_orders_by_placeholder() -> None:
    norm = Normaliser(BASE)
    norm.order(17)
    assert norm.path("/api/orders/17/cancel") == "/api/orders/<order 1>/cancel"
    assert norm.path("/api/orders/17abc") == "/api/orders/<order 1>abc"
    assert norm.path("/api/orders/999999999") == "/api/orders/999999999"
    assert norm.path("/api/orders?customer_id=17") == "/api/orders?customer_id=17"


def test_a_paginator_page_normalises_every_order_in_it() -> None:
    page = {"current_page": 1, "data": [an_order(3), an_order(2)], "total": 2}
    body = Normaliser(BASE).body(page)
    assert [order["id"] for order in body["data"]] == ["<order 1>", "<order 2>"]
    assert body["total"] == 2

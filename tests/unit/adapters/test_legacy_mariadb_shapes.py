from datetime import datetime
from decimal import Decimal

import pytest

from tests.unit.migration.legacy_rows import legacy_order
from till.migration.shell.adapters.mariadb_legacy_rows import (
    item_values,
    order_values,
    orders_from_rows,
)
from till.migration.shell.adapters.mysql_url import mysql_connect_args


def test_a_legacy_database_url_gives_aiomysql_its_arguments() -> None:
    url = "mysql://shop:p%40ss@db.internal:3307/legacy"  # pragma: allowlist secret
    assert mysql_connect_args(url) == {
        "host": "db.internal",
        "port": 3307,
        "user": "shop",
        "password": "p@ss",  # pragma: allowlist secret
        "db": "legacy",
    }


def test_defaults_are_roots_on_the_usual_port() -> None:
    args = mysql_connect_args("mariadb://127.0.0.1/legacy_shop")
    assert (args["user"], args["password"], args["port"]) == ("root", "", 3306)


@pytest.mark.parametrize(
    "url", ["postgresql://h/db", "mysql://127.0.0.1", "mysql://h/a/b", "h:3306/db"]
)
def test_urls_that_name_no_single_mysql_database_are_refused(url: str) -> None:
    with pytest.raises(ValueError, match="LEGACY_DATABASE_URL"):
        mysql_connect_args(url)


def test_rows_and_their_items_become_legacy_orders() -> None:
    stamp = datetime(2026, 6, 1, 14, 3)
    order_row = {
        "id": 7,
        "increment_id": "100000007",
        "customer_id": 42,
        "status": "cancelled",
        "currency_code": "EUR",
        "sub_total": Decimal("9.9900"),
        "grand_total": Decimal("9.9900"),
        "created_at": stamp,
        "updated_at": stamp,
        "deleted_at": None,
    }
    items = [
        {
            "order_id": 7,
            "sku": "A",
            "name": "a",
            "qty": 1,
            "price": Decimal("9.99"),
            "row_total": Decimal("9.99"),
        },
        {
            "order_id": 8,
            "sku": "B",
            "name": "b",
            "qty": 1,
            "price": Decimal("1"),
            "row_total": Decimal("1"),
        },
    ]
    empty = {**order_row, "id": 9}
    [seven, nine] = orders_from_rows([order_row, empty], items)
    assert (seven.id, seven.status, [i.sku for i in seven.items]) == (
        7,
        "cancelled",
        ["A"],
    )
    assert nine.items == ()


def test_a_legacy_order_becomes_statement_values_with_its_times_on_each_item() -> None:
    order = legacy_order()
    assert order_values(order)[0] == order.increment_id
    assert order_values(order)[-2:] == (order.created_at, order.updated_at)
    rows = item_values(7, order)
    assert [row[:4] for row in rows] == [(7, "MUG", "Mug", 2), (7, "CAP", "Cap", 1)]
    assert rows[0][-2:] == (order.created_at, order.updated_at)

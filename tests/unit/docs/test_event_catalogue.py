"""docs/events.md lists exactly the event types the code defines, published
where the code publishes them, and the object fields the views render: the
catalogue cannot drift from the code unnoticed."""

import re
from datetime import UTC, datetime
from types import ModuleType

import pytest

from tests.unit.docs.doc_blocks import page, table_rows
from till.kernel.money import Currency, Money
from till.orders.core import events as order_events
from till.orders.core.items import LineItem
from till.orders.core.models import new_order
from till.orders.core.views import order_view
from till.payments.core import events as payment_events
from till.payments.core.models import create_payment
from till.payments.core.notifications import PUBLISHED as PAYMENTS_PUBLISHED
from till.payments.core.views import payment_view, refund_view

AT = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)
CATALOGUE = page("events.md")


def _defined(module: ModuleType) -> set[str]:
    """The module's event type constants (`x.y` strings in capitals)."""
    return {
        value
        for name, value in vars(module).items()
        if name.isupper() and isinstance(value, str) and "." in value
    }


def _listed(heading: str) -> dict[str, str]:
    """event type → its `published` cell, from the table under `heading`."""
    found: dict[str, str] = {}
    for row in table_rows(CATALOGUE, heading):
        name = re.fullmatch(r"`([a-z_]+\.[a-z_]+)`", row[0])
        assert name, f"not an event type cell: {row[0]!r}"
        assert name[1] not in found, f"{name[1]} listed twice"
        found[name[1]] = row[1]
    return found


def _fields(heading: str) -> list[str]:
    section = CATALOGUE.split(f"\n### {heading}\n", 1)[1]
    line = next(x for x in section.splitlines() if x.startswith("Fields: "))
    return re.findall(r"`([a-z_]+)`", line)


@pytest.mark.parametrize(
    ("heading", "module"),
    [("Payment events", payment_events), ("Order events", order_events)],
)
def test_the_catalogue_lists_every_event_type_the_code_defines(heading, module):
    assert set(_listed(heading)) == _defined(module)


@pytest.mark.parametrize(
    ("heading", "published"),
    [
        ("Payment events", PAYMENTS_PUBLISHED),
        ("Order events", order_events.PUBLISHED),
    ],
)
def test_the_catalogue_marks_published_exactly_what_the_code_publishes(
    heading, published
):
    listed = _listed(heading)
    assert set(listed.values()) <= {"yes", "no"}
    assert {name for name, cell in listed.items() if cell == "yes"} == published


def test_the_payment_object_fields_are_the_views():
    payment, _ = create_payment(
        "pay_1", Money(1050, Currency("usd")), None, "automatic", AT
    )
    assert _fields("The payment object") == list(payment_view(payment))


def test_the_refund_object_fields_are_the_views():
    payment, _ = create_payment(
        "pay_1", Money(1050, Currency("usd")), None, "automatic", AT
    )
    payment, _ = payment.confirm(AT, "pm_1", gateway="sandbox")
    payment, _ = payment.authorize(AT, "ch_1", fee=0)
    payment, _ = payment.refund(AT, 500, refund_id="re_1")
    assert _fields("The refund object") == list(refund_view(payment.refunds[0]))


def test_the_order_object_fields_are_the_views():
    items = (LineItem("tea", "Tea", 2, 450),)
    order, _ = new_order("ord_1", "usr_1", Currency("usd"), items, AT)
    assert _fields("The order object") == list(order_view(order))

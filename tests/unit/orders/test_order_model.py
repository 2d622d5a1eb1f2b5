"""The Order aggregate: totals, the only allowed transitions, idempotent
payment facts, the legacy link."""

from datetime import UTC, datetime, timedelta

import pytest

from till.kernel.errors import Conflict, InvalidState, ValidationFailed
from till.kernel.money import Currency
from till.orders.core.items import LineItem, checked_items
from till.orders.core.models import Order, Status, new_order, replay

AT = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)
LATER = AT + timedelta(minutes=5)


def order(*items: LineItem) -> Order:
    made, _ = new_order(
        "ord_1", "usr_a", Currency("usd"), items or (LineItem("A", "A", 2, 150),), AT
    )
    return made


def paid() -> Order:
    started, _ = order().start_payment("pay_1", AT)
    done, _ = started.mark_paid("pay_1", LATER)
    return done


def test_totals_are_quantity_times_unit_amount_summed():
    made = order(LineItem("A", "A", 3, 250), LineItem("B", "B", 1, 0))
    assert [i.amount for i in made.items] == [750, 0]
    assert made.subtotal == made.total == 750


@pytest.mark.parametrize(
    ("quantity", "unit_amount"),
    [(0, 100), (-1, 100), (1, -1), (1.0, 100), (True, 100), (1, "100"), (1, 1.5)],
)
def test_a_line_item_takes_only_positive_integer_quantities_and_amounts(
    quantity, unit_amount
):
    with pytest.raises(ValidationFailed):
        LineItem("A", "A", quantity, unit_amount)


def test_an_order_needs_one_to_a_hundred_items_and_a_total_money_can_hold():
    with pytest.raises(ValidationFailed):
        checked_items(())
    with pytest.raises(ValidationFailed):
        checked_items(tuple(LineItem(str(n), "x", 1, 1) for n in range(101)))
    with pytest.raises(ValidationFailed):
        checked_items((LineItem("A", "A", 1_000_000, 10**15),))


def test_the_happy_path_ends_delivered():
    current = paid()
    for action, status in (
        ("fulfill", Status.FULFILLED),
        ("ship", Status.SHIPPED),
        ("deliver", Status.DELIVERED),
    ):
        current, events = current.move(action, LATER)
        assert current.status is status and len(events) == 1


@pytest.mark.parametrize("action", ["fulfill", "ship", "deliver"])
def test_an_unpaid_order_cannot_move(action):
    with pytest.raises(InvalidState, match=f"cannot {action} when status is pending"):
        order().move(action, LATER)


def test_a_paid_order_cancels_with_its_refund_and_an_unpaid_one_without():
    canceled, events = paid().cancel(LATER, "re_1")
    assert canceled.refund_id == "re_1" and events[0].data == {"refund_id": "re_1"}
    unpaid, _ = order().cancel(LATER, "re_2")
    assert unpaid.status is Status.CANCELED and unpaid.refund_id is None


def test_a_shipped_order_cannot_be_canceled():
    shipped, _ = paid().move("fulfill", LATER)
    shipped, _ = shipped.move("ship", LATER)
    with pytest.raises(InvalidState):
        shipped.cancel(LATER, "re_1")


def test_payment_facts_heard_twice_change_nothing():
    done = paid()
    assert done.mark_paid("pay_1", LATER) == (done, [])
    assert done.payment_failed("pay_1", "card_declined", LATER) == (done, [])
    refunded, events = done.mark_refunded("pay_1", LATER)
    assert refunded.status is Status.REFUNDED and len(events) == 1
    assert refunded.mark_refunded("pay_1", LATER) == (refunded, [])


def test_a_refund_of_another_payment_or_of_a_canceled_order_changes_nothing():
    done = paid()
    assert done.mark_refunded("pay_other", LATER) == (done, [])
    canceled, _ = done.cancel(LATER, "re_1")
    assert canceled.mark_refunded("pay_1", LATER) == (canceled, [])


def test_a_failed_payment_lets_the_order_be_paid_again():
    started, _ = order().start_payment("pay_1", AT)
    with pytest.raises(Conflict):
        started.start_payment("pay_2", AT)
    failed, _ = started.payment_failed("pay_1", "card_declined", LATER)
    assert failed.payment_id is None
    again, _ = failed.start_payment("pay_2", LATER)
    assert again.payment_id == "pay_2"


def test_only_an_order_of_nothing_is_paid_without_a_payment():
    with pytest.raises(InvalidState):
        order().pay_nothing(AT)
    free, events = order(LineItem("A", "A", 1, 0)).pay_nothing(AT)
    assert free.status is Status.PAID and events[0].data == {"payment_id": None}


def test_the_legacy_link_is_set_once():
    linked, events = order().link_legacy(7, AT)
    assert linked.legacy_id == 7 and len(events) == 1
    assert linked.link_legacy(7, LATER) == (linked, [])
    with pytest.raises(Conflict):
        linked.link_legacy(8, LATER)


def test_replay_needs_a_creation_first_and_knows_every_event():
    _, events = order().start_payment("pay_1", AT)
    with pytest.raises(ValueError, match="starts with"):
        replay(events)
    bogus = type(events[0])("order.teleported", "ord_1", AT)
    with pytest.raises(ValueError, match="unknown"):
        replay([*new_order("ord_1", "u", Currency("usd"), order().items, AT)[1], bogus])

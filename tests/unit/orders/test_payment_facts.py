"""Reading the payments context's published events as facts about orders."""

from till.orders.core.use_cases.payment_outcomes import (
    FAILED,
    PAID,
    REFUNDED,
    PaymentFact,
    fact_from,
)


def payment(**data):
    return {"data": {"id": "pay_1", "metadata": {"order_id": "ord_1"}} | data}


def test_a_completed_payment_of_an_order_is_its_payment():
    assert fact_from("payment.completed", payment()) == PaymentFact(
        PAID, "pay_1", "ord_1", "completed"
    )


def test_a_failed_payment_carries_its_decline_code():
    fact = fact_from("payment.failed", payment(failure={"code": "card_declined"}))
    assert fact == PaymentFact(FAILED, "pay_1", "ord_1", "card_declined")
    assert fact_from("payment.canceled", payment()).kind == FAILED


def test_a_completed_refund_names_only_its_payment():
    fact = fact_from(
        "refund.completed", {"data": {"id": "re_1", "payment_id": "pay_1"}}
    )
    assert fact == PaymentFact(REFUNDED, "pay_1", None)


def test_events_of_no_order_are_ignored():
    assert (
        fact_from("payment.completed", {"data": {"id": "pay_1", "metadata": {}}})
        is None
    )
    assert fact_from("payment.created", payment()) is None
    assert fact_from("payment.completed", {"data": "garbage"}) is None
    assert fact_from("payment.completed", payment(metadata=["x"])) is None
    assert fact_from("refund.completed", {"data": {}}) is None

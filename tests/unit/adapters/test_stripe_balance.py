"""Stripe balance transactions as reconciliation movements."""

from datetime import UTC, datetime

import pytest

from till.payments.shell.adapters.stripe_balance import balance_movement, list_params

T = datetime(2026, 3, 1, 12, tzinfo=UTC)


def _txn(type_, amount, fee, source, currency="usd"):
    return {
        "id": "txn_1",
        "type": type_,
        "amount": amount,
        "fee": fee,
        "currency": currency,
        "created": int(T.timestamp()),
        "source": source,
    }


def test_a_charge_is_booked_under_its_payment_intent():
    source = {"id": "ch_1", "object": "charge", "payment_intent": "pi_1"}
    moved = balance_movement(_txn("charge", 1000, 59, source))
    assert moved is not None
    assert (moved.kind, moved.reference, moved.amount, moved.fee, moved.at) == (
        "charge",
        "pi_1",
        1000,
        59,
        T,
    )


def test_a_refund_is_booked_under_its_own_id_as_a_positive_amount():
    moved = balance_movement(_txn("refund", -300, 0, {"id": "re_1"}))
    assert moved is not None and (moved.kind, moved.reference, moved.amount) == (
        "refund",
        "re_1",
        300,
    )
    unexpanded = balance_movement(_txn("payment_refund", -300, 0, "re_2"))
    assert unexpanded is not None and unexpanded.reference == "re_2"


@pytest.mark.parametrize("type_", ["payout", "adjustment", "stripe_fee"])
def test_other_kinds_are_not_ours_to_match(type_):
    assert balance_movement(_txn(type_, -5000, 0, "po_1")) is None


def test_isk_comes_back_to_iso_units_and_the_listing_pages_by_time():
    moved = balance_movement(_txn("charge", 50_000, 3_000, "ch_1", currency="ISK"))
    assert moved is not None and (moved.currency, moved.amount, moved.fee) == (
        "isk",
        500,
        30,
    )
    params = list_params(T, T.replace(hour=13), "txn_9")
    assert params["created"] == {
        "gte": int(T.timestamp()),
        "lt": int(T.timestamp()) + 3600,
    }
    assert params["starting_after"] == "txn_9" and params["expand"] == ["data.source"]

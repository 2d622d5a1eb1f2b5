"""Which payment events post, and what: only money that moved."""

from datetime import UTC, datetime

import pytest

from till.kernel.money import Money, currency
from till.payments.core.ledger import (
    Account,
    Entry,
    Kind,
    Posting,
    balances,
    payout,
    postings_for,
)
from till.payments.core.models import create_payment

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def _processing(capture_method="automatic", amount=1000):
    payment, events = create_payment(
        "pay_1", Money(amount, currency("usd")), None, capture_method, T0
    )
    after, more = payment.confirm(T0, "pm_1")
    return after, events + more


def test_a_capture_posts_the_sale_and_the_processors_fee():
    processing, _ = _processing()
    after, events = processing.authorize(T0, "ch_1", fee=59)
    (posting,) = postings_for(after, processing.version, events)
    assert (posting.kind, posting.currency, posting.source) == (
        Kind.CAPTURE,
        "usd",
        ("pay_1", 3),
    )
    assert posting.reference == "ch_1"
    assert posting.entries == (
        Entry(Account.PROCESSOR_BALANCE, 1000),
        Entry(Account.SALES, -1000),
        Entry(Account.PROCESSING_FEES, 59),
        Entry(Account.PROCESSOR_BALANCE, -59),
    )


def test_authorising_reserving_and_failing_post_nothing():
    processing, history = _processing("manual")
    held, authorised = processing.authorize(T0, "ch_1")
    assert postings_for(held, 0, history + authorised) == []
    declined, failed = _processing()[0].decline("card_declined", T0)
    assert postings_for(declined, processing.version, failed) == []


def test_a_completed_refund_posts_and_its_reservation_does_not():
    processing, _ = _processing()
    paid, _ = processing.authorize(T0, "ch_1", fee=0)
    reserved, created = paid.refund(T0, 300, "re_1")
    assert postings_for(reserved, paid.version, created) == []
    done, completed = reserved.complete_refund("re_1", T0, "sbx_re_1")
    (posting,) = postings_for(done, reserved.version, completed)
    assert posting.kind is Kind.REFUND and posting.reference == "sbx_re_1"
    assert posting.entries == (
        Entry(Account.REFUNDS, 300),
        Entry(Account.PROCESSOR_BALANCE, -300),
    )


def test_a_fee_free_capture_has_no_fee_lines():
    processing, _ = _processing()
    after, events = processing.authorize(T0, "ch_1")
    (posting,) = postings_for(after, processing.version, events)
    assert [e.account for e in posting.entries] == [
        Account.PROCESSOR_BALANCE,
        Account.SALES,
    ]


def test_a_payout_moves_the_net_to_the_bank_or_back_when_negative():
    out = payout("stl_1", "usd", 941, T0)
    assert out is not None and out.source == ("stl_1", 0)
    assert balances([out]) == {
        ("usd", Account.BANK): 941,
        ("usd", Account.PROCESSOR_BALANCE): -941,
    }
    back = payout("stl_2", "usd", -200, T0)
    assert back is not None and balances([back])[("usd", Account.BANK)] == -200
    assert payout("stl_3", "usd", 0, T0) is None


def test_an_unbalanced_or_empty_posting_cannot_exist():
    with pytest.raises(ValueError, match="unbalanced"):
        Posting(
            Kind.CAPTURE,
            "usd",
            T0,
            ("pay_1", 1),
            (Entry(Account.PROCESSOR_BALANCE, 10), Entry(Account.SALES, -9)),
        )
    with pytest.raises(ValueError, match="non-zero"):
        Entry(Account.SALES, 0)

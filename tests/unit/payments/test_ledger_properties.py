"""Random histories of several payments (captures, partial captures, refunds,
declines, cancels) through the ledger: every posting sums to zero, posting as
the commands happen equals posting the whole streams at once (replayable), and
the balances equal the payments' own figures."""

from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from till.kernel.errors import DomainError
from till.kernel.money import Money, currency
from till.payments.core import events as ev
from till.payments.core.fees import FeeSchedule
from till.payments.core.ledger import Account, balances, payout, postings_for
from till.payments.core.models import create_payment

T0 = datetime(2026, 1, 1, tzinfo=UTC)
FEES = FeeSchedule()
_step = st.one_of(
    st.tuples(st.just("confirm"), st.just(0)),
    st.tuples(st.just("authorize"), st.just(0)),
    st.tuples(st.just("decline"), st.just(0)),
    st.tuples(st.just("cancel"), st.just(0)),
    st.tuples(st.just("capture"), st.integers(1, 4)),
    st.tuples(st.just("refund"), st.integers(1, 4)),
    st.tuples(st.just("complete_refund"), st.just(0)),
    st.tuples(st.just("fail_refund"), st.just(0)),
)
_GOOD = [("confirm", 0), ("authorize", 0), ("capture", 1)]
_payment = st.tuples(
    st.integers(1, 5000),
    st.sampled_from(["usd", "jpy"]),
    st.sampled_from(["automatic", "manual"]),
    st.lists(_step, max_size=8).map(lambda tail: _GOOD + tail),
)


def _run(payment, name, part):
    if name == "authorize":
        return payment.authorize(T0, "ch_1", FEES.fee_for(payment.amount.amount))
    if name == "capture":
        taking = max(1, payment.amount_capturable // part)
        return payment.capture(T0, taking, FEES.fee_for(taking))
    if name == "refund":
        giving = max(1, payment.refundable // part)
        return payment.refund(T0, giving, f"re_{len(payment.refunds)}")
    if name in ("complete_refund", "fail_refund"):
        newest = payment.refunds[-1].id if payment.refunds else "re_none"
        if name == "complete_refund":
            return payment.complete_refund(newest, T0, f"sbx_{newest}")
        return payment.fail_refund(newest, "processing_error", T0)
    if name == "decline":
        return payment.decline("card_declined", T0)
    return getattr(payment, name)(T0)


@pytest.mark.parametrize("payout_share", [0, 2])
@settings(max_examples=12, deadline=None, database=None)
@given(st.lists(_payment, min_size=1, max_size=4))
def test_random_histories_post_balanced_entries_matching_the_payments(
    payout_share, histories
):
    posted, payments, streams = [], [], []
    for n, (amount, code, capture, steps) in enumerate(histories):
        payment, stream = create_payment(
            f"pay_{n}", Money(amount, currency(code)), None, capture, T0, None
        )
        payment, more = payment.confirm(T0, "pm_1")
        stream += more
        for name, part in steps:
            try:
                after, new = _run(payment, name, part)
            except DomainError:
                continue
            posted += postings_for(after, payment.version, new)
            payment, stream = after, stream + new
        payments.append(payment)
        streams.append((payment, stream))

    replayed = [p for after, s in streams for p in postings_for(after, 0, s)]
    assert replayed == posted
    assert all(sum(e.amount for e in p.entries) == 0 for p in posted)
    for code in {p.currency.code for p in payments}:
        mine = [p for p in payments if p.currency.code == code]
        fees = sum(
            int(e.data["fee"])
            for after, s in streams
            if after.currency.code == code
            for e in s
            if e.type == ev.COMPLETED
        )
        before = balances(posted)
        held = before.get((code, Account.PROCESSOR_BALANCE), 0)
        paid_out = held // payout_share if payout_share else 0
        settled = payout(f"stl_{code}", code, paid_out, T0)
        final = balances(posted + ([settled] if settled else []))

        def of(account, totals=final, code=code):
            return totals.get((code, account), 0)

        assert -of(Account.SALES) == sum(p.amount_received for p in mine)
        assert of(Account.REFUNDS) == sum(p.amount_refunded for p in mine)
        assert of(Account.PROCESSING_FEES) == fees
        assert of(Account.BANK) == paid_out
        assert of(Account.PROCESSOR_BALANCE) == (
            -of(Account.SALES)
            - of(Account.REFUNDS)
            - of(Account.PROCESSING_FEES)
            - paid_out
        )
        assert sum(final.get((code, a), 0) for a in Account) == 0

"""Random command sequences against the payment state machine (hypothesis):
whatever the order, no transition outside the diagram, amount_refunded ≤
amount_received ≤ amount, nothing negative, and the events rebuild the state."""

from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from till.kernel.errors import DomainError
from till.kernel.money import Money, currency
from till.payments.core.models import Status, create_payment, replay

T0 = datetime(2026, 1, 1, tzinfo=UTC)
ALLOWED = {
    Status.PENDING: {Status.PROCESSING, Status.CANCELED},
    Status.PROCESSING: {
        Status.COMPLETED,
        Status.REQUIRES_CAPTURE,
        Status.REQUIRES_REVIEW,
        Status.FAILED,
    },
    Status.REQUIRES_REVIEW: {Status.PROCESSING, Status.CANCELED},
    Status.REQUIRES_CAPTURE: {Status.COMPLETED, Status.CANCELED},
    Status.COMPLETED: {Status.PARTIALLY_REFUNDED, Status.REFUNDED},
    Status.PARTIALLY_REFUNDED: {Status.PARTIALLY_REFUNDED, Status.REFUNDED},
    Status.REFUNDED: set(),
    Status.FAILED: set(),
    Status.CANCELED: set(),
}
# Amounts are drawn around the bound that matters (capturable, refundable), so
# off-by-one errors at the edges are found, not just far-off values.
amounts = st.one_of(
    st.none(),
    st.tuples(st.just("near"), st.integers(min_value=-3, max_value=3)),
    st.tuples(st.just("part"), st.integers(min_value=1, max_value=4)),
)
_steps = st.lists(
    st.one_of(
        st.just(("confirm",)),
        st.just(("authorize",)),
        st.just(("decline",)),
        st.just(("hold",)),
        st.just(("approve",)),
        st.just(("reject",)),
        st.just(("cancel",)),
        st.tuples(st.just("capture"), amounts),
        st.tuples(st.just("refund"), amounts),
        st.just(("complete_refund",)),
        st.just(("fail_refund",)),
    ),
    max_size=10,
)
# Random tails after prefixes that reach each state, so that the later states
# (completed, refunds, capture) are exercised, not only reached by luck.
PREFIXES = [
    [],
    [("confirm",)],
    [("confirm",), ("authorize",)],
    [("confirm",), ("hold",)],
    [("confirm",), ("authorize",), ("refund", ("part", 2)), ("complete_refund",)],
]
commands = st.tuples(st.sampled_from(PREFIXES), _steps).map(lambda p: p[0] + p[1])


def _amount(spec, bound: int) -> int | None:
    if spec is None:
        return None
    kind, value = spec
    return bound + value if kind == "near" else bound // value


def _run(payment, command):
    name = command[0]
    if name == "capture":
        return payment.capture(
            T0, amount=_amount(command[1], payment.amount_capturable)
        )
    if name == "refund":
        return payment.refund(
            T0,
            amount=_amount(command[1], payment.refundable),
            refund_id=f"re_{len(payment.refunds)}",
        )
    if name in ("complete_refund", "fail_refund"):
        # the newest refund (pending or not: a settled one must be refused)
        refund_id = payment.refunds[-1].id if payment.refunds else "re_none"
        if name == "complete_refund":
            return payment.complete_refund(refund_id, T0)
        return payment.fail_refund(refund_id, "processing_error", T0)
    if name == "decline":
        return payment.decline("card_declined", T0)
    action = {
        "confirm": payment.confirm,
        "authorize": payment.authorize,
        "hold": lambda at: payment.hold_for_review(at, "rev_1"),
        "approve": payment.approve_review,
        "reject": payment.reject_review,
        "cancel": payment.cancel,
    }[name]
    return action(T0)


# Few examples per test (the 100 ms unit budget holds under coverage, on a busy
# machine too); one test per capture method doubles the sequences tried.
@pytest.mark.parametrize("capture", ["automatic", "manual"])
@settings(max_examples=15, deadline=None, database=None)
@given(st.integers(min_value=1, max_value=2000), commands)
def test_any_command_sequence_keeps_the_invariants(capture, amount, sequence):
    payment, events = create_payment(
        "pay_1", Money(amount, currency("usd")), None, capture, T0, payment_method="pm"
    )
    for command in sequence:
        before = payment
        try:
            payment, new = _run(payment, command)
        except DomainError:
            assert payment == before  # a refused command changes nothing
            continue
        moved = payment.status is not before.status
        assert not moved or payment.status in ALLOWED[before.status]
        events += new
        reserved = payment.amount_received - payment.refundable
        assert 0 <= payment.amount_refunded <= reserved <= payment.amount_received
        assert payment.amount_received <= amount
        assert 0 <= payment.amount_capturable <= amount
    assert replay(events) == payment

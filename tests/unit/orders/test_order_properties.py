"""Properties of the Order aggregate over random action sequences: totals are
always the sum of the items, only API.md's transitions happen, and replaying
the events rebuilds the very same order."""

from datetime import UTC, datetime, timedelta
from itertools import pairwise

from hypothesis import given, settings
from hypothesis import strategies as st

from till.kernel.errors import DomainError
from till.kernel.money import Currency
from till.orders.core.items import LineItem
from till.orders.core.models import Status, new_order, replay

AT = datetime(2026, 1, 1, tzinfo=UTC)
ALLOWED = {
    (Status.PENDING_PAYMENT, Status.PAID),
    (Status.PENDING_PAYMENT, Status.CANCELED),
    (Status.PAID, Status.FULFILLED),
    (Status.PAID, Status.CANCELED),
    (Status.FULFILLED, Status.SHIPPED),
    (Status.SHIPPED, Status.DELIVERED),
    *((s, Status.REFUNDED) for s in (Status.PAID, Status.FULFILLED)),
    *((s, Status.REFUNDED) for s in (Status.SHIPPED, Status.DELIVERED)),
}
items = st.lists(
    st.builds(
        LineItem,
        st.sampled_from(["MUG", "TEA", "CUP"]),
        st.just("Thing"),
        st.integers(1, 1000),
        st.integers(0, 10**9),
    ),
    min_size=1,
    max_size=4,
)
payments = st.sampled_from(["pay_1", "pay_2"])
actions = st.lists(
    st.one_of(
        st.tuples(st.just("start"), payments),
        st.tuples(st.just("paid"), payments),
        st.tuples(st.just("failed"), payments),
        st.tuples(st.just("refunded"), payments),
        st.tuples(st.just("cancel"), st.just("re_1")),
        st.tuples(st.sampled_from(["fulfill", "ship", "deliver"]), st.none()),
        st.tuples(st.just("link"), st.integers(1, 3)),
    ),
    max_size=12,
)
FAST = settings(max_examples=10, deadline=None, database=None)


def act(order, action, arg, at):
    match action:
        case "start":
            return order.start_payment(arg, at)
        case "paid":
            return order.mark_paid(arg, at)
        case "failed":
            return order.payment_failed(arg, "card_declined", at)
        case "refunded":
            return order.mark_refunded(arg, at)
        case "cancel":
            return order.cancel(at, arg)
        case "link":
            return order.link_legacy(arg, at)
    return order.move(action, at)


def run(lines, steps):
    """The order after each accepted step, with the stream so far."""
    order, stream = new_order("ord_1", "usr_a", Currency("usd"), tuple(lines), AT)
    seen = [(order, list(stream))]
    for n, (action, arg) in enumerate(steps, start=1):
        try:
            order, events = act(order, action, arg, AT + timedelta(seconds=n))
        except DomainError:
            continue  # refused: nothing changed
        stream += events
        seen.append((order, list(stream)))
    return seen


@FAST
@given(items, actions)
def test_totals_are_always_the_sum_of_the_items(lines, steps):
    expected = sum(i.quantity * i.unit_amount for i in lines)
    assert all(o.total == o.subtotal == expected for o, _ in run(lines, steps))


@FAST
@given(items, actions)
def test_only_the_allowed_transitions_ever_happen(lines, steps):
    seen = run(lines, steps)
    for (before, _), (after, _) in pairwise(seen):
        if after.status is not before.status:
            assert (before.status, after.status) in ALLOWED


@FAST
@given(items, actions)
def test_replaying_the_events_rebuilds_the_same_order(lines, steps):
    for order, stream in run(lines, steps):
        assert order.version == len(stream)
        assert replay(stream) == order

"""The hash chain of order events finds edits, gaps and reordering."""

from datetime import UTC, datetime

from till.orders.core.events import OrderEvent
from till.orders.shell.adapters.order_chain import GENESIS, broken_links, chained

AT = datetime(2026, 1, 1, tzinfo=UTC)
EVENTS = [
    OrderEvent("order.created", "ord_1", AT, {"items": [1]}),
    OrderEvent("order.payment_started", "ord_1", AT, {"payment_id": "pay_1"}),
    OrderEvent("order.paid", "ord_1", AT, {"payment_id": "pay_1"}),
]


def test_an_untouched_stream_checks_out_and_continues_from_its_last_hash():
    links = chained(0, EVENTS[:2], GENESIS)
    links += chained(2, EVENTS[2:], links[-1][3])
    assert broken_links(links) == []
    assert links == chained(0, EVENTS, GENESIS)


def test_an_edited_or_removed_event_breaks_the_chain():
    links = chained(0, EVENTS, GENESIS)
    version, event, prev, digest = links[1]
    edited = OrderEvent(event.type, event.order_id, AT, {"payment_id": "pay_evil"})
    assert broken_links([links[0], (version, edited, prev, digest), links[2]]) == [
        "ord_1 v2: content does not match its hash"
    ]
    assert len(broken_links([links[0], links[2]])) == 2  # a gap, a wrong link

from dataclasses import replace
from datetime import UTC, datetime

from till.kernel.money import Money, currency
from till.payments.core.audit import GENESIS, RecordedEvent, broken_links, event_digest
from till.payments.core.models import create_payment

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def _chain():
    payment, events = create_payment(
        "pay_1", Money(500, currency("usd")), None, "automatic", T0, payment_method="pm"
    )
    payment, more = payment.confirm(T0)
    events += more
    recorded, prev = [], GENESIS
    for version, event in enumerate(events, start=1):
        digest = event_digest(version, event, prev)
        recorded.append(RecordedEvent(version, event, prev, digest))
        prev = digest
    return recorded


def test_an_untouched_chain_checks_out():
    assert broken_links(_chain()) == []


def test_an_edited_event_is_found():
    chain = _chain()
    chain[0] = replace(chain[0], event=replace(chain[0].event, amount=1))
    assert broken_links(chain) == ["pay_1 v1: content does not match its hash"]


def test_a_removed_event_is_found():
    chain = _chain()
    del chain[0]
    problems = broken_links(chain)
    assert "pay_1 v2: expected version 1" in problems
    assert "pay_1 v2: previous hash does not match" in problems


def test_a_rehashed_edit_still_breaks_the_next_link():
    chain = _chain()
    edited = replace(chain[0].event, amount=1)
    chain[0] = RecordedEvent(1, edited, GENESIS, event_digest(1, edited, GENESIS))
    assert broken_links(chain) == ["pay_1 v2: previous hash does not match"]


def test_the_digest_does_not_depend_on_the_timezone_of_the_moment():
    from datetime import timedelta, timezone

    event = _chain()[0].event
    shifted = replace(event, at=event.at.astimezone(timezone(timedelta(hours=2))))
    assert event_digest(1, event, GENESIS) == event_digest(1, shifted, GENESIS)

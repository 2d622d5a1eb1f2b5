"""The in-memory counters of the embedded default: the same windows as Redis."""

from datetime import UTC, datetime, timedelta

from till.payments.core.fraud import Attempt
from till.payments.shell.adapters.memory_fraud_signals import MemoryFraudSignals

T0 = datetime(2026, 3, 1, 12, tzinfo=UTC)


def _attempt(n: int, card: str = "fp_1", ip: str | None = "198.51.100.4", **kw):
    fields = {"customer_id": "usr_a", "currency": "usd", "amount": 1000}
    fields.update(kw)
    return Attempt(f"pay_{n}", card=card, ip=ip, **fields)  # type: ignore[arg-type]


async def test_each_attempt_counts_in_its_windows():
    signals = MemoryFraudSignals()
    for n in range(3):
        found = await signals.observe(_attempt(n, card=f"fp_{n}"), T0)
    assert found.customer_payments == 3
    assert found.card_payments == 1
    assert found.ip_payments == 3
    assert found.ip_cards == 3
    assert found.customer_cards == 3


async def test_attempts_fall_out_of_their_window():
    signals = MemoryFraudSignals()
    await signals.observe(_attempt(1), T0)
    later = await signals.observe(_attempt(2), T0 + timedelta(minutes=11))
    assert later.ip_payments == 1  # 10-minute window
    assert later.customer_payments == 2  # 1-hour window


async def test_a_new_ip_is_one_the_customer_has_not_paid_from():
    signals = MemoryFraudSignals()
    first = await signals.observe(_attempt(1, ip="198.51.100.4"), T0)
    await signals.settled(_attempt(1, ip="198.51.100.4"), True, 1000, T0)
    again = await signals.observe(_attempt(2, ip="198.51.100.4"), T0)
    elsewhere = await signals.observe(_attempt(3, ip="203.0.113.9"), T0)
    # an attempt that did not pay does not make its address a known one
    still = await signals.observe(_attempt(4, ip="203.0.113.9"), T0)
    assert (first.new_ip, again.new_ip) == (False, False)
    assert (elsewhere.new_ip, still.new_ip) == (True, True)


async def test_cards_that_paid_before_do_not_count_as_card_testing():
    signals = MemoryFraudSignals()
    for n in range(3):
        await signals.settled(_attempt(n, card=f"fp_{n}"), True, 1000, T0)
    for n in range(3):
        found = await signals.observe(_attempt(10 + n, card=f"fp_{n}"), T0)
    assert found.ip_cards == 0
    fresh = await signals.observe(_attempt(20, card="fp_new"), T0)
    assert fresh.ip_cards == 1


async def test_a_flag_marks_customer_card_and_ip_for_a_day():
    signals = MemoryFraudSignals()
    await signals.flagged(_attempt(1), T0)
    other_card = await signals.observe(_attempt(2, card="fp_9"), T0)
    other_all = await signals.observe(
        _attempt(3, card="fp_9", ip="203.0.113.9", customer_id="usr_b"), T0
    )
    day_later = await signals.observe(_attempt(4), T0 + timedelta(days=1, seconds=1))
    assert other_card.recent_flags == 1
    assert other_all.recent_flags == 0
    assert day_later.recent_flags == 0


async def test_declines_and_history_come_from_settled_payments():
    signals = MemoryFraudSignals()
    await signals.settled(_attempt(1), False, 1000, T0)
    await signals.settled(_attempt(2), True, 1500, T0)
    await signals.settled(_attempt(3), True, 2500, T0)
    found = await signals.observe(_attempt(4), T0)
    assert (found.customer_declines, found.card_declines, found.ip_declines) == (
        1,
        1,
        1,
    )
    assert (found.history_count, found.history_sum) == (2, 4000)


async def test_guest_payments_without_ip_count_only_the_card():
    signals = MemoryFraudSignals()
    found = await signals.observe(_attempt(1, ip=None, customer_id=None), T0)
    assert found.card_payments == 1
    assert (found.customer_payments, found.ip_payments, found.history_count) == (
        0,
        0,
        0,
    )
    await signals.settled(_attempt(1, ip=None, customer_id=None), True, 10, T0)
    assert (await signals.observe(_attempt(2, customer_id=None), T0)).history_count == 0

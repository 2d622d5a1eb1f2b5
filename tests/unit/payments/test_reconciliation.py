"""Ledger against processor: matched, missing on either side, mismatched; the
period asked for, with a margin so twins stamped apart still meet."""

from datetime import UTC, date, datetime, timedelta

import pytest

from till.kernel.errors import Forbidden, ValidationFailed
from till.payments.core.access import Caller
from till.payments.core.gateway import Movement
from till.payments.core.reconciliation import (
    Period,
    period_from,
    reconcile,
    report_document,
    require_admin,
)

DAY = Period.of_day(date(2026, 3, 1))
NOON = datetime(2026, 3, 1, 12, tzinfo=UTC)


def _charge(reference, amount=1000, fee=59, at=NOON, code="usd", payment=None):
    return Movement("charge", reference, code, amount, fee, at, payment)


def test_equal_movements_match_and_the_rest_is_reported_by_side():
    ledger = [
        _charge("ch_1", payment="pay_1"),
        _charge("ch_2", payment="pay_2"),
        Movement("refund", "re_1", "usd", 300, 0, NOON, "pay_1"),
    ]
    processor = [
        _charge("ch_1"),
        _charge("ch_3"),
        Movement("refund", "re_1", "usd", 300, 0, NOON),
    ]
    found = reconcile(DAY, ledger, processor)
    assert found.matched == ["ch_1", "re_1"]
    assert [m["reference"] for m in found.missing_at_processor] == ["ch_2"]
    assert found.missing_at_processor[0]["payment_id"] == "pay_2"
    assert [m["reference"] for m in found.missing_in_ledger] == ["ch_3"]
    assert found.mismatched == [] and found.differences == 2


def test_a_different_amount_currency_or_fee_is_a_mismatch_saying_which():
    ledger = [_charge("ch_1", fee=60, payment="pay_1"), _charge("ch_2", code="eur")]
    found = reconcile(DAY, ledger, [_charge("ch_1", fee=59), _charge("ch_2")])
    assert [m["differences"] for m in found.mismatched] == [
        {"fee": {"ledger": 60, "processor": 59}},
        {"currency": {"ledger": "eur", "processor": "usd"}},
    ]
    assert found.matched == []


def test_a_charge_and_a_refund_with_one_reference_are_not_twins():
    refund = Movement("refund", "ch_1", "usd", 1000, 59, NOON)
    found = reconcile(DAY, [_charge("ch_1")], [refund])
    assert (len(found.missing_at_processor), len(found.missing_in_ledger)) == (1, 1)


def test_twins_stamped_across_midnight_match_and_outsiders_are_not_reported():
    late = datetime(2026, 3, 1, 23, 59, 59, 999_000, tzinfo=UTC)
    next_day = late + timedelta(milliseconds=5)
    found = reconcile(
        DAY,
        [_charge("ch_1", at=late), _charge("ch_9", at=next_day)],
        [_charge("ch_1", at=next_day), _charge("ch_8", at=DAY.start - timedelta(1))],
    )
    assert found.matched == ["ch_1"] and found.differences == 0
    assert DAY.widened() == (
        DAY.start - timedelta(hours=1),
        DAY.end + timedelta(hours=1),
    )


@pytest.mark.parametrize(
    ("day", "start", "end"),
    [
        (None, None, None),
        ("2026-03-01", "2026-03-01T00:00:00Z", None),
        (None, "2026-03-01T00:00:00Z", None),
        (None, "2026-03-02T00:00:00Z", "2026-03-01T00:00:00Z"),
        (None, "2026-01-01T00:00:00Z", "2026-03-01T00:00:00Z"),  # > 31 days
        (None, "2026-03-01T00:00:00", "2026-03-02T00:00:00"),  # no offset
        (None, "yesterday", "2026-03-02T00:00:00Z"),
        ("2026-3-1", None, None),
    ],
)
def test_a_period_is_a_day_or_a_bounded_from_to(day, start, end):
    with pytest.raises(ValidationFailed):
        period_from(day, start, end)


def test_periods_from_a_day_or_times_are_utc():
    assert period_from("2026-03-01", None, None) == DAY
    period = period_from(None, "2026-03-01T01:00:00+01:00", "2026-03-02T00:00:00Z")
    assert period == DAY and period.start.tzinfo is UTC


def test_the_report_counts_each_list_and_only_admins_reconcile():
    found = reconcile(DAY, [_charge("ch_1")], [_charge("ch_1"), _charge("ch_2")])
    report = report_document("rpt_1", DAY, found, NOON)
    assert report["counts"] == {
        "matched": 1,
        "missing_at_processor": 0,
        "missing_in_ledger": 1,
        "mismatched": 0,
    }
    assert report["period"] == {"start": DAY.start, "end": DAY.end}
    require_admin(Caller("user", "usr_1", admin=True))
    with pytest.raises(Forbidden):
        require_admin(Caller("service", "key_1", scopes=frozenset({"reports:read"})))

"""Settlement lines from the ledger, their CSV, and the report's inputs."""

from datetime import UTC, date, datetime

import pytest

from till.kernel.errors import Forbidden, ValidationFailed
from till.kernel.money import Money, currency
from till.payments.core.access import Caller
from till.payments.core.ledger import payout, postings_for
from till.payments.core.models import create_payment
from till.payments.core.settlements import (
    SettlementLine,
    parse_currency,
    parse_day,
    require_day_over,
    require_report_reader,
    settlement_csv,
    settlement_lines,
    with_requested,
)

DAY = date(2026, 3, 1)
NOON = datetime(2026, 3, 1, 12, tzinfo=UTC)


def _postings(amount, code, at, fee, refund=0):
    payment, _ = create_payment(
        f"pay_{amount}", Money(amount, currency(code)), None, "automatic", at
    )
    processing, _ = payment.confirm(at, "pm_1")
    paid, events = processing.authorize(at, "ch_1", fee)
    found = postings_for(paid, processing.version, events)
    if refund:
        reserved, _ = paid.refund(at, refund, "re_1")
        done, completed = reserved.complete_refund("re_1", at, "r")
        found += postings_for(done, reserved.version, completed)
    return found


def test_a_days_lines_sum_captures_refunds_and_fees_per_currency():
    postings = (
        _postings(1000, "usd", NOON, 59, refund=300)
        + _postings(500, "usd", datetime(2026, 3, 1, 23, 59, 59, tzinfo=UTC), 45)
        + _postings(700, "jpy", NOON, 50)
        + _postings(900, "usd", datetime(2026, 3, 2, tzinfo=UTC), 56)  # next day
        + [payout("stl_1", "usd", 10_000, NOON)]  # payouts are not sales
    )
    lines = sorted(settlement_lines(DAY, postings), key=lambda line: line.currency)
    assert lines == [
        SettlementLine(DAY, "jpy", 700, 0, 50, 1),
        SettlementLine(DAY, "usd", 1500, 300, 104, 2),
    ]
    assert lines[1].net == 1500 - 300 - 104
    assert settlement_lines(DAY, postings, "jpy") == [lines[0]]


def test_the_csv_has_a_header_and_one_row_per_currency():
    lines = [SettlementLine(DAY, "usd", 1500, 300, 104, 2)]
    assert settlement_csv(lines) == (
        "date,currency,gross,refunds,fees,net,count\r\n"
        "2026-03-01,usd,1500,300,104,1096,2\r\n"
    )
    assert settlement_csv([]) == "date,currency,gross,refunds,fees,net,count\r\n"


@pytest.mark.parametrize("bad", [None, "2026-02-30", "20260301", "2026-3-1", "x" * 10])
def test_a_day_is_an_iso_date(bad):
    with pytest.raises(ValidationFailed) as raised:
        parse_day(bad)
    assert raised.value.param == "date"


def test_currencies_are_known_codes_any_case():
    assert parse_day("2026-03-01") == DAY
    assert parse_currency("USD") == "usd" and parse_currency(None) is None
    with pytest.raises(ValidationFailed):
        parse_currency("xyz")


def test_reports_are_for_admins_and_services_with_reports_read():
    require_report_reader(Caller("user", "usr_1", admin=True))
    require_report_reader(
        Caller("service", "key_1", scopes=frozenset({"reports:read"}))
    )
    for refused in (
        Caller("user", "usr_1"),
        Caller("service", "key_1", scopes=frozenset({"payments:read"})),
    ):
        with pytest.raises(Forbidden):
            require_report_reader(refused)


def test_only_a_day_that_is_over_can_be_settled():
    require_day_over(DAY, datetime(2026, 3, 2, tzinfo=UTC))
    with pytest.raises(ValidationFailed):
        require_day_over(DAY, datetime(2026, 3, 1, 23, 59, tzinfo=UTC))


def test_a_quiet_currency_asked_for_gets_a_zero_line():
    assert with_requested([], DAY, "eur") == [SettlementLine(DAY, "eur", 0, 0, 0, 0)]
    assert with_requested([], DAY, None) == []

"""What screening does to a confirmed payment, and deciding its review: the
verdict rides on the confirm event, replays, and shows in the views."""

from datetime import UTC, datetime

import pytest

from till.kernel.errors import Forbidden, InvalidState
from till.kernel.money import Money, currency
from till.payments.core import events as ev
from till.payments.core.access import Caller, MfaRequired
from till.payments.core.fraud import Level, Risk
from till.payments.core.models import Payment, Status, create_payment, replay
from till.payments.core.use_cases.review import (
    FRAUD_SUSPECTED,
    approve,
    reject,
    screen,
)
from till.payments.core.views import payment_view, review_view

T0 = datetime(2026, 3, 1, tzinfo=UTC)
ADMIN = Caller("user", "usr_root", admin=True)
ADMIN_MFA = Caller("user", "usr_root", admin=True, recent_mfa=True)
SHOP = Caller("service", "key_1", scopes=frozenset({"payments:write"}))


def _confirmed(level: Level, score: int = 0) -> tuple[Payment, list]:
    payment, created = create_payment(
        "pay_1",
        Money(5000, currency("eur")),
        "usr_a",
        "automatic",
        T0,
        None,
        None,
        "pm",
    )
    risk = Risk(score, level, ("card_testing",) if score else ())
    confirmed, events = payment.confirm(T0, "pm", gateway="sandbox", risk=risk)
    return confirmed, created + events


def test_a_normal_verdict_leaves_the_payment_for_the_processor():
    confirmed, _ = _confirmed(Level.NORMAL)
    after, events = screen(confirmed, confirmed.risk, "rev_1", T0)  # type: ignore[arg-type]
    assert (after, events) == (confirmed, [])


def test_an_elevated_verdict_holds_the_payment_for_review():
    confirmed, _ = _confirmed(Level.ELEVATED, 60)
    held, events = screen(confirmed, confirmed.risk, "rev_1", T0)  # type: ignore[arg-type]
    assert held.status is Status.REQUIRES_REVIEW
    assert [e.type for e in events] == [ev.REQUIRES_REVIEW]
    assert held.review_id == "rev_1"


def test_a_highest_verdict_fails_it_as_fraud_suspected():
    confirmed, _ = _confirmed(Level.HIGHEST, 90)
    blocked, _ = screen(confirmed, confirmed.risk, "rev_1", T0)  # type: ignore[arg-type]
    assert blocked.status is Status.FAILED
    assert blocked.failure_code == FRAUD_SUSPECTED
    assert blocked.amount_received == 0


def test_the_verdict_replays_from_the_stream():
    confirmed, events = _confirmed(Level.ELEVATED, 60)
    held, more = screen(confirmed, confirmed.risk, "rev_1", T0)  # type: ignore[arg-type]
    rebuilt = replay(events + more)
    assert rebuilt == held
    assert rebuilt.risk == Risk(60, Level.ELEVATED, ("card_testing",))


def test_the_payment_view_shows_score_and_level_but_not_reasons():
    confirmed, _ = _confirmed(Level.ELEVATED, 60)
    assert payment_view(confirmed)["risk"] == {"score": 60, "level": "elevated"}


def test_an_unconfirmed_payment_is_not_assessed():
    payment, _ = create_payment(
        "pay_2", Money(5, currency("eur")), None, "automatic", T0
    )
    assert payment_view(payment)["risk"] == {"score": None, "level": "not_assessed"}


def test_the_review_view_carries_the_reasons_for_staff():
    confirmed, _ = _confirmed(Level.ELEVATED, 60)
    held, _ = screen(confirmed, confirmed.risk, "rev_1", T0)  # type: ignore[arg-type]
    view = review_view(held)
    assert view["id"] == "rev_1"
    assert view["open"] is True
    assert view["payment_id"] == "pay_1"
    assert view["risk"] == {
        "score": 60,
        "level": "elevated",
        "reasons": ["card_testing"],
    }


def _held() -> Payment:
    confirmed, _ = _confirmed(Level.ELEVATED, 60)
    return screen(confirmed, confirmed.risk, "rev_1", T0)[0]  # type: ignore[arg-type]


def test_an_admin_with_mfa_approves_back_to_processing():
    approved, events = approve(_held(), ADMIN_MFA, T0)
    assert approved.status is Status.PROCESSING
    assert [e.type for e in events] == [ev.REVIEW_APPROVED]


def test_an_admin_with_mfa_rejects_to_canceled():
    rejected, _ = reject(_held(), ADMIN_MFA, T0)
    assert rejected.status is Status.CANCELED
    assert review_view(rejected)["open"] is False


@pytest.mark.parametrize("decide", [approve, reject])
def test_deciding_needs_recent_mfa(decide):
    with pytest.raises(MfaRequired):
        decide(_held(), ADMIN, T0)


@pytest.mark.parametrize("decide", [approve, reject])
def test_services_cannot_decide(decide):
    with pytest.raises(Forbidden):
        decide(_held(), SHOP, T0)


@pytest.mark.parametrize("decide", [approve, reject])
def test_a_decided_review_cannot_be_decided_again(decide):
    rejected, _ = reject(_held(), ADMIN_MFA, T0)
    with pytest.raises(InvalidState):
        decide(rejected, ADMIN_MFA, T0)

"""`till_payment_outcomes_total` counts each outcome once, after the record that
reached it was written: a record that fails counts nothing, a resumed command
that adds nothing counts nothing."""

import pytest

from tests.fakes.payments import FakePaymentsUnit
from tests.unit.orchestrators.payment_rig import ALICE, SHOP, Rig, scope
from till.payments.core.models import Status
from till.payments.shell.orchestrators.outcome_metrics import PAYMENT_OUTCOMES

DECLINED_CARD = "4000000000000002"  # pragma: allowlist secret


def _count(outcome: str) -> float:
    """The counter's own samples: `REGISTRY.get_sample_value` collects every
    metric of the process, which after the integration tests' traffic took
    over 100 ms per test in the full run."""
    (family,) = PAYMENT_OUTCOMES.collect()
    for sample in family.samples:
        if sample.name.endswith("_total") and sample.labels == {"outcome": outcome}:
            return sample.value
    raise AssertionError(f"no series for {outcome}")


class _Counts:
    """The counters' increase since it was made."""

    def __init__(self) -> None:
        self.start = {o: _count(o) for o in ("succeeded", "failed", "canceled")}

    def increase(self) -> dict[str, float]:
        return {o: _count(o) - n for o, n in self.start.items() if _count(o) > n}


async def test_a_confirmed_charge_counts_one_success():
    rig = Rig()
    counts = _Counts()
    await rig.pay(payment_method=await rig.card(), confirm=True)
    assert counts.increase() == {"succeeded": 1}


async def test_a_declined_charge_counts_one_failure():
    rig = Rig()
    counts = _Counts()
    await rig.pay(payment_method=await rig.card(DECLINED_CARD), confirm=True)
    assert counts.increase() == {"failed": 1}


async def test_a_manual_payment_succeeds_once_and_its_void_is_a_cancel():
    rig = Rig()
    counts = _Counts()
    held = await rig.pay(
        payment_method=await rig.card(), capture_method="manual", confirm=True
    )
    await rig.commands.cancel_payment(ALICE, held.result.id, scope())
    assert counts.increase() == {"succeeded": 1, "canceled": 1}


async def test_a_resumed_command_of_a_settled_payment_counts_nothing_more():
    rig = Rig()
    first = await rig.pay(payment_method=await rig.card(), confirm=True)
    counts = _Counts()
    again = await rig.commands.confirm_payment(
        SHOP, first.result.id, None, scope(first.result.id, resumed=True)
    )
    assert again.result.status is Status.COMPLETED
    assert counts.increase() == {}


class _DatabaseAwayOnSettle(FakePaymentsUnit):
    """Records the attempt; the database is gone when the answer comes."""

    async def record(self, before_version, after, events):
        if after.status not in (Status.PENDING, Status.PROCESSING):
            raise ConnectionError("the database went away")
        await super().record(before_version, after, events)


async def test_an_outcome_whose_record_failed_is_not_counted():
    rig = Rig()
    method = await rig.card()
    rig.commands.units = lambda: _DatabaseAwayOnSettle(rig.store)
    counts = _Counts()
    with pytest.raises(ConnectionError):
        await rig.pay(payment_method=method, confirm=True)
    (payment,) = rig.store.payments.values()
    assert payment.status is Status.PROCESSING  # the answer never got recorded
    assert counts.increase() == {}

"""With the primary processor failing, its breaker opens and new payments go to
the fallback, recorded on the payment; a payment stays with its processor."""

from datetime import UTC, datetime

import pytest

from tests.fakes.clock import FixedClock
from tests.unit.orchestrators.payment_rig import SHOP, Rig, scope
from till.payments.core.breaker import BreakerPolicy
from till.payments.core.gateway import GatewayUnavailable
from till.payments.core.models import Status
from till.payments.shell.adapters.sandbox_gateway import SandboxGateway
from till.payments.shell.orchestrators.gateway_routing import GatewayRouter

UNAVAILABLE_CARD = "4000000000000341"  # pragma: allowlist secret
POLICY = BreakerPolicy(window=4, min_calls=2, failure_rate=0.5, open_seconds=30)


def _rig_with_fallback() -> tuple[Rig, SandboxGateway]:
    rig = Rig()
    backup = SandboxGateway(rig.clock)
    backup.name = "backup"
    rig.routes.processors["backup"] = backup
    rig.routes.breakers["backup"] = rig.routes.breakers["sandbox"]
    rig.routes.fallback = "backup"
    rig.routes.policy = POLICY
    return rig, backup


async def test_an_open_breaker_sends_new_payments_to_the_fallback():
    rig, backup = _rig_with_fallback()
    failing = await rig.card(UNAVAILABLE_CARD)
    for _ in range(2):  # the primary is unreachable twice: its breaker opens
        with pytest.raises(GatewayUnavailable):
            await rig.pay(payment_method=failing, confirm=True)
    assert rig.routes.choose() == "backup"
    paid = await rig.pay(
        payment_method=await rig.card(), capture_method="manual", confirm=True
    )
    assert paid.result.status is Status.REQUIRES_CAPTURE
    assert paid.result.gateway == "backup" and len(backup.state.charges) == 1
    # later steps of that payment go to the processor that holds it
    captured = await rig.commands.capture_payment(SHOP, paid.result.id, None, scope())
    assert captured.result.status is Status.COMPLETED
    (charge,) = backup.state.charges.values()
    assert charge.captured.amount == 1000


async def test_without_a_fallback_an_open_breaker_fails_fast():
    clock = FixedClock(datetime(2026, 1, 1, tzinfo=UTC))
    calls = []

    class Down:
        name = "down"

        async def lookup(self, reference):
            calls.append(reference)
            raise GatewayUnavailable("down")

    router = GatewayRouter({"down": Down()}, "down", None, POLICY, clock)
    gateway = router.gateway("down")
    for _ in range(2):
        with pytest.raises(GatewayUnavailable):
            await gateway.lookup("ch_1")
    with pytest.raises(GatewayUnavailable, match="circuit breaker"):
        await gateway.lookup("ch_2")
    assert calls == ["ch_1", "ch_1"] and router.choose() == "down"
    clock.advance(30)  # past its open time: one probe goes through
    with pytest.raises(GatewayUnavailable):
        await gateway.lookup("ch_3")
    assert calls[-1] == "ch_3"

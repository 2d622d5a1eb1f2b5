"""A processor call past its deadline has an unknown outcome, never a failure."""

from datetime import UTC, datetime

import pytest

from tests.fakes.clock import FixedClock
from till.kernel.money import Money, currency
from till.payments.core.gateway import (
    ChargeRequest,
    GatewayOutcomeUnknown,
    GatewayUnavailable,
    Outcome,
)
from till.payments.shell.adapters.sandbox_gateway import SandboxGateway
from till.payments.shell.orchestrators.gateway_deadline import DeadlineGateway

VISA = "4242424242424242"  # pragma: allowlist secret
USD = currency("usd")


def _request(key: str = "pay_1:authorize") -> ChargeRequest:
    return ChargeRequest("pay_1", Money(100, USD), "card", VISA, 12, 2031, True, key)


async def test_a_slow_processor_is_an_unknown_outcome_and_a_retry_is_safe():
    sandbox = SandboxGateway(FixedClock(datetime(2026, 1, 1, tzinfo=UTC)), latency=0.02)
    gateway = DeadlineGateway(sandbox, seconds=0.005)
    with pytest.raises(GatewayOutcomeUnknown):
        await gateway.authorize(_request())
    with pytest.raises(GatewayUnavailable):  # a lookup moves nothing
        await gateway.lookup("sbx_ch_unknown")
    patient = DeadlineGateway(sandbox, seconds=1.0)
    result = await patient.authorize(_request())
    assert result.outcome is Outcome.SUCCEEDED and patient.name == "sandbox"
    assert len(sandbox.state.charges) <= 1  # the abandoned call charged at most once

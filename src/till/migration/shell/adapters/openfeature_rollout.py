"""`RolloutFlags` over an OpenFeature client: the router asks the vendor-
neutral API, so another flag vendor's provider can replace ours (ADR 0015).
An unknown flag, or a provider error, answers off: legacy serves. OpenFeature's
SPLIT reason (pseudorandom assignment) tells a customer left out of a partial
rollout from a flag off for everyone."""

from openfeature.client import OpenFeatureClient
from openfeature.evaluation_context import EvaluationContext
from openfeature.flag_evaluation import Reason

from till.migration.core.order_routing import FlagAnswer


class OpenFeatureRollout:
    def __init__(self, client: OpenFeatureClient) -> None:
        self.client = client

    async def is_on(self, flag: str, targeting_key: str) -> bool:
        context = EvaluationContext(targeting_key=targeting_key)
        return await self.client.get_boolean_value_async(flag, False, context)

    async def answer(self, flag: str, targeting_key: str) -> FlagAnswer:
        context = EvaluationContext(targeting_key=targeting_key)
        details = await self.client.get_boolean_details_async(flag, False, context)
        if details.value:
            return FlagAnswer.ON
        split = details.reason == Reason.SPLIT and details.error_code is None
        return FlagAnswer.OFF_BY_SPLIT if split else FlagAnswer.OFF

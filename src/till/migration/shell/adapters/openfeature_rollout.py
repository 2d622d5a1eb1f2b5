"""`RolloutFlags` over an OpenFeature client: the router asks the vendor-
neutral API, so another flag vendor's provider can replace ours (ADR 0015).
An unknown flag, or a provider error, answers off: legacy serves."""

from openfeature.client import OpenFeatureClient
from openfeature.evaluation_context import EvaluationContext


class OpenFeatureRollout:
    def __init__(self, client: OpenFeatureClient) -> None:
        self.client = client

    async def is_on(self, flag: str, targeting_key: str) -> bool:
        context = EvaluationContext(targeting_key=targeting_key)
        return await self.client.get_boolean_value_async(flag, False, context)

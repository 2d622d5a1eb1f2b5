"""The migration's flags as an OpenFeature provider, so the strangler router
asks a vendor-neutral client (`get_boolean_value[_async]`) and another flag
vendor's provider can replace this one without touching the router.

Booleans only: a flag routes a customer to the new service or not. The
customer is the evaluation context's targeting key. Reasons: DISABLED (the
kill switch), TARGETING_MATCH (allowlisted), SPLIT (the customer's bucket
decided), STATIC (0 %, 100 % or no customer); an unknown flag answers the
caller's default with FLAG_NOT_FOUND."""

from collections.abc import Mapping, Sequence
from typing import TypeVar

from openfeature.evaluation_context import EvaluationContext
from openfeature.exception import ErrorCode
from openfeature.flag_evaluation import FlagResolutionDetails, FlagValueType, Reason
from openfeature.provider import AbstractProvider, Metadata

from till.migration.core.flags import FeatureFlag, FlagReason, evaluate
from till.migration.core.ports import FlagSnapshot

PROVIDER_NAME = "till-flags"
_REASONS = {
    FlagReason.DISABLED: Reason.DISABLED,
    FlagReason.ALLOWLISTED: Reason.TARGETING_MATCH,
    FlagReason.SPLIT: Reason.SPLIT,
    FlagReason.STATIC: Reason.STATIC,
}
T = TypeVar("T")
ObjectValue = Sequence[FlagValueType] | Mapping[str, FlagValueType]


class TillFlagProvider(AbstractProvider):
    def __init__(self, snapshot: FlagSnapshot) -> None:
        super().__init__()
        self.snapshot = snapshot

    def get_metadata(self) -> Metadata:
        return Metadata(name=PROVIDER_NAME)

    def resolve_boolean_details(
        self,
        flag_key: str,
        default_value: bool,
        evaluation_context: EvaluationContext | None = None,
    ) -> FlagResolutionDetails[bool]:
        """Without waiting: this process's copy as it is (a refresh is started
        behind it when it is older than the TTL)."""
        return resolve(
            self.snapshot.cached(), flag_key, default_value, evaluation_context
        )

    async def resolve_boolean_details_async(
        self,
        flag_key: str,
        default_value: bool,
        evaluation_context: EvaluationContext | None = None,
    ) -> FlagResolutionDetails[bool]:
        """Never older than the TTL: an expired copy is reloaded first."""
        try:
            flags = await self.snapshot.current()
        except Exception as error:  # the caller's default, never an exception
            return FlagResolutionDetails(
                default_value,
                error_code=ErrorCode.GENERAL,
                error_message=f"flags unavailable ({type(error).__name__})",
                reason=Reason.ERROR,
            )
        return resolve(flags, flag_key, default_value, evaluation_context)

    def resolve_string_details(
        self,
        flag_key: str,
        default_value: str,
        evaluation_context: EvaluationContext | None = None,
    ) -> FlagResolutionDetails[str]:
        return _not_boolean(default_value)

    def resolve_integer_details(
        self,
        flag_key: str,
        default_value: int,
        evaluation_context: EvaluationContext | None = None,
    ) -> FlagResolutionDetails[int]:
        return _not_boolean(default_value)

    def resolve_float_details(
        self,
        flag_key: str,
        default_value: float,
        evaluation_context: EvaluationContext | None = None,
    ) -> FlagResolutionDetails[float]:
        return _not_boolean(default_value)

    def resolve_object_details(
        self,
        flag_key: str,
        default_value: ObjectValue,
        evaluation_context: EvaluationContext | None = None,
    ) -> FlagResolutionDetails[ObjectValue]:
        return _not_boolean(default_value)


def resolve(
    flags: Mapping[str, FeatureFlag],
    flag_key: str,
    default_value: bool,
    context: EvaluationContext | None,
) -> FlagResolutionDetails[bool]:
    flag = flags.get(flag_key)
    if flag is None:
        return FlagResolutionDetails(
            default_value,
            error_code=ErrorCode.FLAG_NOT_FOUND,
            error_message=f"no flag {flag_key!r}",
            reason=Reason.ERROR,
        )
    customer_id = (context.targeting_key if context else None) or None
    decision = evaluate(flag, customer_id)
    metadata: dict[str, bool | int | float | str] = {
        "version": flag.version,
        "percentage": flag.percentage,
    }
    if decision.bucket is not None:
        metadata["bucket"] = decision.bucket
    return FlagResolutionDetails(
        decision.on,
        reason=_REASONS[decision.reason],
        variant="on" if decision.on else "off",
        flag_metadata=metadata,
    )


def _not_boolean(default_value: T) -> FlagResolutionDetails[T]:
    return FlagResolutionDetails(
        default_value,
        error_code=ErrorCode.TYPE_MISMATCH,
        error_message="till's flags are booleans",
        reason=Reason.ERROR,
    )

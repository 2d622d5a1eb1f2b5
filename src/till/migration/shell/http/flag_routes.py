"""The migration's feature flags (API.md, Orders): admins list them; an admin
with recent MFA sets one. Setting routes live traffic: the change is applied
in every process before the answer (ADR 0015)."""

from datetime import datetime

from fastapi import APIRouter
from pydantic import Field

from till.migration.core.flags import MAX_ALLOWLIST, FeatureFlag, FlagSettings
from till.migration.shell.http.dependencies import CurrentCaller, FeatureFlags
from till.platform.openapi import ANY_ID, problems
from till.platform.schemas import ListOf, StrictRequest, examples
from till.platform.schemas import Response as ResponseModel

router = APIRouter(tags=["migration"])
CUSTOMER_ID = "usr_01KH5ZND8RPV25GRW7BRT4GZ53"
ADMIN_ID = "usr_01KAG4E100HHMQDSDN8421BFF9"


class FlagRequest(StrictRequest):
    model_config = examples(
        {"enabled": True, "percentage": 10, "allowlist": [CUSTOMER_ID]},
        {"enabled": False, "percentage": 0},
    )

    enabled: bool = Field(description="false: off for everyone (the kill switch)")
    percentage: int = Field(
        ge=0,
        le=100,
        description="share of customers on, by a sticky per-customer bucket",
        examples=[10],
    )
    allowlist: list[str] = Field(
        default_factory=list,
        max_length=MAX_ALLOWLIST,
        description="customer ids that are on whatever the percentage",
        examples=[[CUSTOMER_ID]],
    )


class FlagOut(ResponseModel):
    model_config = examples(
        {
            "object": "feature_flag",
            "key": "orders.create",
            "enabled": True,
            "percentage": 10,
            "allowlist": [CUSTOMER_ID],
            "version": 4,
            "updated_at": "2026-03-02T08:30:00.000000Z",
            "updated_by": ADMIN_ID,
        }
    )

    object: str = "feature_flag"
    key: str = Field(examples=["orders.create"])
    enabled: bool
    percentage: int
    allowlist: list[str]
    version: int
    updated_at: datetime
    updated_by: str


def flag_out(flag: FeatureFlag) -> FlagOut:
    return FlagOut(
        key=flag.key,
        enabled=flag.enabled,
        percentage=flag.percentage,
        allowlist=sorted(flag.allowlist),
        version=flag.version,
        updated_at=flag.updated_at,
        updated_by=flag.updated_by,
    )


@router.get(
    "/v1/admin/flags",
    responses=problems(forbidden={"detail": "only an admin may list feature flags"}),
)
async def list_flags(caller: CurrentCaller, flags: FeatureFlags) -> ListOf[FlagOut]:
    """Admins: every flag, by key."""
    listed = await flags.list(caller)
    return ListOf[FlagOut](data=[flag_out(f) for f in listed], has_more=False)


@router.put(
    "/v1/admin/flags/{key}",
    openapi_extra=ANY_ID,  # creates the flag or replaces its settings
    responses=problems(
        mfa_required={"detail": "to change a feature flag needs a recent MFA check"}
    ),
)
async def set_flag(
    key: str, body: FlagRequest, caller: CurrentCaller, flags: FeatureFlags
) -> FlagOut:
    """Admin + recent MFA. Creates the flag or replaces its settings; each
    change is audited (who, when, before, after)."""
    settings = FlagSettings(body.enabled, body.percentage, frozenset(body.allowlist))
    return flag_out(await flags.set(caller, key, settings))

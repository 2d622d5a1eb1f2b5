"""The migration's feature flags (API.md, Orders): admins list them; an admin
with recent MFA sets one. Setting routes live traffic: the change is applied
in every process before the answer (ADR 0015)."""

from datetime import datetime

from fastapi import APIRouter
from pydantic import Field

from till.migration.core.flags import MAX_ALLOWLIST, FeatureFlag, FlagSettings
from till.migration.shell.http.dependencies import CurrentCaller, FeatureFlags
from till.platform.schemas import ListOf, StrictRequest
from till.platform.schemas import Response as ResponseModel

router = APIRouter(tags=["migration"])


class FlagRequest(StrictRequest):
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
        examples=[["usr_01HV7Z3Y8Q2K6M4N5P7R9S1T3V"]],  # pragma: allowlist secret
    )


class FlagOut(ResponseModel):
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


@router.get("/v1/admin/flags")
async def list_flags(caller: CurrentCaller, flags: FeatureFlags) -> ListOf[FlagOut]:
    """Admins: every flag, by key."""
    listed = await flags.list(caller)
    return ListOf[FlagOut](data=[flag_out(f) for f in listed], has_more=False)


@router.put("/v1/admin/flags/{key}")
async def set_flag(
    key: str, body: FlagRequest, caller: CurrentCaller, flags: FeatureFlags
) -> FlagOut:
    """Admin + recent MFA. Creates the flag or replaces its settings; each
    change is audited (who, when, before, after)."""
    settings = FlagSettings(body.enabled, body.percentage, frozenset(body.allowlist))
    return flag_out(await flags.set(caller, key, settings))

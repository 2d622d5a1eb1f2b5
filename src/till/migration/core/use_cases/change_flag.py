"""PUT /v1/admin/flags/{key}: an admin with recent MFA sets a flag.

Rules: only an admin who passed MFA recently; the key and the settings must be
valid (a flag that cannot exist is never stored); setting a flag that does not
exist yet creates it; every change is recorded with who, when, before and
after."""

from dataclasses import dataclass
from datetime import datetime

from till.migration.core.access import Caller, require_admin_with_mfa
from till.migration.core.flags import FeatureFlag, FlagSettings
from till.migration.core.ports import FlagChange


@dataclass(frozen=True, slots=True)
class SetFlag:
    key: str
    settings: FlagSettings


def set_flag(
    caller: Caller, request: SetFlag, current: FeatureFlag | None, now: datetime
) -> FlagChange:
    require_admin_with_mfa(caller, "change a feature flag")
    if current is None:
        after = FeatureFlag.created(request.key, request.settings, caller.id, now)
    else:
        after = current.with_settings(request.settings, caller.id, now)
    return FlagChange(before=current, after=after)

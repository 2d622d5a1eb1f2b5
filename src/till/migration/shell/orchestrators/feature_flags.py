"""The admin API's flags: list them, set one (admin + MFA), and make the
change visible to routing at once — in this process before the answer, in
the others through the announcer."""

from typing import Protocol

from till.kernel.clock import Clock
from till.kernel.errors import Conflict
from till.migration.core.access import Caller, require_admin
from till.migration.core.flags import FeatureFlag, FlagSettings
from till.migration.core.ports import FeatureFlagStore, FlagAnnouncer, StaleFlag
from till.migration.core.use_cases.change_flag import SetFlag, set_flag

ATTEMPTS = 3  # concurrent changes to one flag are rare: retry a few times


class AppliesFlags(Protocol):
    def apply(self, flag: FeatureFlag) -> None: ...


class FeatureFlags:
    """FlagCommandPort."""

    def __init__(
        self,
        store: FeatureFlagStore,
        cache: AppliesFlags,
        announcer: FlagAnnouncer,
        clock: Clock,
    ) -> None:
        self.store = store
        self.cache = cache
        self.announcer = announcer
        self.clock = clock

    async def list(self, caller: Caller) -> list[FeatureFlag]:
        require_admin(caller, "list feature flags")
        return sorted(await self.store.all(), key=lambda flag: flag.key)

    async def set(
        self, caller: Caller, key: str, settings: FlagSettings
    ) -> FeatureFlag:
        for _ in range(ATTEMPTS):
            current = await self.store.get(key)
            change = set_flag(caller, SetFlag(key, settings), current, self.clock.now())
            try:
                await self.store.save(change)
            except StaleFlag:
                continue
            self.cache.apply(change.after)
            await self.announcer.announce(change.after)
            return change.after
        raise Conflict(f"flag {key} is being changed by someone else; retry")


class NoAnnouncer:
    """One process (no Redis): the others' copies expire with their TTL."""

    async def announce(self, flag: FeatureFlag) -> None:
        return None

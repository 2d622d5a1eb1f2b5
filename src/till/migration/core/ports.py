"""The migration context's ports for its feature flags."""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

from till.migration.core.access import Caller
from till.migration.core.flags import FeatureFlag, FlagSettings


@dataclass(frozen=True, slots=True)
class FlagChange:
    """One admin action on a flag: the flag after it, and what it replaced
    (None when the action created the flag). Stored with the flag, in the
    same transaction, as the audit trail."""

    before: FeatureFlag | None
    after: FeatureFlag


class StaleFlag(Exception):
    """Another change to the flag was saved since it was read."""


class FeatureFlagStore(Protocol):
    """Where flags live (PostgreSQL in production)."""

    async def all(self) -> list[FeatureFlag]: ...

    async def get(self, key: str) -> FeatureFlag | None: ...

    async def save(self, change: FlagChange) -> None:
        """Store `change.after` and its audit record, only if the stored flag
        is still `change.before` (same version); raises `StaleFlag` if not."""


class FlagSnapshot(Protocol):
    """Every flag as this process last knew it, at most a few seconds old."""

    def cached(self) -> Mapping[str, FeatureFlag]:
        """Without waiting (sync callers): the snapshot as it is, a refresh
        scheduled if it has expired."""

    async def current(self) -> Mapping[str, FeatureFlag]:
        """The snapshot, reloaded first if it has expired (bounded staleness)."""


class FlagAnnouncer(Protocol):
    """Tells the other processes of a change, so they apply it at once."""

    async def announce(self, flag: FeatureFlag) -> None: ...


class FlagCommandPort(Protocol):
    """The admin API's driving port."""

    async def list(self, caller: Caller) -> list[FeatureFlag]: ...

    async def set(
        self, caller: Caller, key: str, settings: FlagSettings
    ) -> FeatureFlag: ...

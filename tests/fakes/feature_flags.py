"""In-memory fakes of the flag ports: a store that keeps the audit trail and
checks versions like the PostgreSQL one, and an announcer that records."""

from dataclasses import dataclass, field

from till.migration.core.flags import FeatureFlag
from till.migration.core.ports import FlagChange, StaleFlag


@dataclass
class InMemoryFlagStore:
    flags: dict[str, FeatureFlag] = field(default_factory=dict)
    audit: list[FlagChange] = field(default_factory=list)
    loads: int = 0
    # Saved by "another process" just before the next save (a lost race).
    interloper: list[FeatureFlag] = field(default_factory=list)

    async def all(self) -> list[FeatureFlag]:
        self.loads += 1
        return list(self.flags.values())

    async def get(self, key: str) -> FeatureFlag | None:
        return self.flags.get(key)

    async def save(self, change: FlagChange) -> None:
        if self.interloper:
            sneaked = self.interloper.pop()
            self.flags[sneaked.key] = sneaked
        if self.flags.get(change.after.key) != change.before:
            raise StaleFlag(change.after.key)
        self.flags[change.after.key] = change.after
        self.audit.append(change)


@dataclass
class RecordingAnnouncer:
    announced: list[FeatureFlag] = field(default_factory=list)

    async def announce(self, flag: FeatureFlag) -> None:
        self.announced.append(flag)

"""The admin commands: list (admin), set (admin + MFA) with the audit trail,
the change applied to this process's copy and announced to the others."""

from datetime import UTC, datetime

import pytest

from tests.fakes.clock import FixedClock
from tests.fakes.feature_flags import InMemoryFlagStore, RecordingAnnouncer
from till.kernel.errors import Conflict, Forbidden
from till.migration.core.access import Caller, MfaRequired
from till.migration.core.flags import FeatureFlag, FlagSettings
from till.migration.shell.orchestrators.feature_flags import FeatureFlags
from till.migration.shell.orchestrators.flag_cache import FlagCache

ADMIN = Caller("user", "usr_admin", admin=True, recent_mfa=True)
T0 = datetime(2026, 3, 1, tzinfo=UTC)


def rig() -> tuple[FeatureFlags, InMemoryFlagStore, FlagCache, RecordingAnnouncer]:
    store = InMemoryFlagStore()
    cache = FlagCache(store.all, 60.0)
    announcer = RecordingAnnouncer()
    return (
        FeatureFlags(store, cache, announcer, FixedClock(T0)),
        store,
        cache,
        announcer,
    )


async def test_setting_a_flag_stores_audits_applies_and_announces_it():
    flags, store, cache, announcer = rig()
    await cache.current()  # this process has read the (empty) table
    saved = await flags.set(ADMIN, "orders.create", FlagSettings(True, 10))
    assert store.flags["orders.create"] == saved
    assert [(c.before, c.after) for c in store.audit] == [(None, saved)]
    assert (await cache.current())["orders.create"] == saved  # within the TTL
    assert announcer.announced == [saved]


async def test_turning_a_flag_off_records_what_it_was():
    flags, store, _, _ = rig()
    on = await flags.set(ADMIN, "orders.create", FlagSettings(True, 100))
    off = await flags.set(ADMIN, "orders.create", FlagSettings(False, 100))
    assert store.audit[-1].before == on and store.audit[-1].after == off
    assert (off.version, off.updated_by, off.updated_at) == (2, "usr_admin", T0)


async def test_a_change_that_lost_a_race_is_retried_on_the_newer_flag():
    flags, store, _, _ = rig()
    first = await flags.set(ADMIN, "orders.create", FlagSettings(True, 10))
    other = first.with_settings(FlagSettings(True, 20), "usr_other", T0)
    store.interloper.append(other)
    saved = await flags.set(ADMIN, "orders.create", FlagSettings(True, 30))
    assert (saved.version, store.audit[-1].before) == (3, other)


async def test_a_flag_changing_under_every_attempt_is_a_conflict():
    flags, store, _, _ = rig()
    first = await flags.set(ADMIN, "orders.create", FlagSettings(True, 10))
    assert first.version == 1
    store.interloper = [
        FeatureFlag("orders.create", True, n, frozenset(), T0, "usr_x", version=9 + n)
        for n in range(3)
    ]
    with pytest.raises(Conflict):
        await flags.set(ADMIN, "orders.create", FlagSettings(True, 30))


async def test_admins_list_the_flags_by_key_and_others_may_not():
    flags, _, _, _ = rig()
    for key in ("orders.read", "orders.create"):
        await flags.set(ADMIN, key, FlagSettings(True, 5))
    listed = await flags.list(Caller("user", "usr_plain_admin", admin=True))
    assert [flag.key for flag in listed] == ["orders.create", "orders.read"]
    with pytest.raises(Forbidden):
        await flags.list(Caller("user", "usr_1"))


async def test_nothing_is_stored_for_an_admin_without_mfa():
    flags, store, _, announcer = rig()
    with pytest.raises(MfaRequired):
        await flags.set(
            Caller("user", "usr_admin", admin=True),
            "orders.create",
            FlagSettings(True, 1),
        )
    assert store.flags == {} and store.audit == [] and announcer.announced == []

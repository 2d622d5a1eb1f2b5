"""Composition root, migration part: the feature flags' store, per-process
copy, cross-process fan-out and OpenFeature client, and the bridge that asks
identity who the caller is (migration never imports identity)."""

import secrets
from contextlib import AsyncExitStack
from typing import TYPE_CHECKING

from fastapi import FastAPI
from openfeature import api as openfeature
from openfeature.provider.no_op_provider import NoOpProvider

from till.app.callers import IdentityCallers
from till.migration.core.access import Caller
from till.migration.core.ports import FlagAnnouncer
from till.migration.shell.adapters.openfeature_provider import TillFlagProvider
from till.migration.shell.adapters.postgres_feature_flags import SqlaFeatureFlags
from till.migration.shell.adapters.redis_flag_fanout import RedisFlagFanout
from till.migration.shell.orchestrators.feature_flags import FeatureFlags, NoAnnouncer
from till.migration.shell.orchestrators.flag_cache import FlagCache
from till.platform.settings import FeatureFlagSettings

if TYPE_CHECKING:
    from till.app.factory import SharedInfra


async def wire_feature_flags(
    app: FastAPI,
    settings: FeatureFlagSettings,
    shared: "SharedInfra",
    stack: AsyncExitStack,
    redis_prefix: str,
) -> None:
    """After identity's wiring. Puts on `app.state`: `feature_flags` (the admin
    commands), `flag_snapshot` (this process's copy) and `flag_client` (an
    OpenFeature client over our provider, for the strangler router)."""
    store = SqlaFeatureFlags(shared.database)
    cache = FlagCache(store.all, settings.cache_seconds)
    announcer: FlagAnnouncer = NoAnnouncer()
    if shared.redis is not None:
        fanout = RedisFlagFanout(shared.redis, redis_prefix, cache)
        await fanout.start()  # before the first load: no change falls between
        stack.push_async_callback(fanout.stop)
        announcer = fanout
    await cache.reload()
    app.state.feature_flags = FeatureFlags(store, cache, announcer, shared.clock)
    app.state.flag_snapshot = cache
    app.state.migration_callers = IdentityCallers(
        app.state.identity_queries,
        shared.clock,
        app.state.mfa_max_age_seconds,
        lambda kind, id_, admin, mfa, scopes: Caller(kind, id_, admin, mfa, scopes),
    )
    # OpenFeature's registry is process-wide: each app binds its provider to a
    # domain of its own, so apps sharing a process (tests) never swap flags.
    domain = f"till-{secrets.token_hex(4)}"
    openfeature.set_provider_and_wait(TillFlagProvider(cache), domain)
    stack.callback(openfeature.set_provider, NoOpProvider(), domain)
    app.state.flag_client = openfeature.get_client(domain)

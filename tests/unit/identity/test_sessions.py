import pytest

from till.identity.core.errors import Unauthenticated
from till.identity.core.use_cases.refresh import refresh
from till.identity.core.use_cases.sessions import list_sessions, revoke_session
from till.kernel.errors import NotFound


async def test_list_sessions_shows_only_the_users_active_sessions(world):
    ada = await world.register()
    await world.register(email="eve@example.com")
    first = await world.login()
    second = await world.login()
    await world.login(email="eve@example.com")
    await revoke_session(
        ada.id, first.session_id, world.store, world.revocations, world.clock.now()
    )
    sessions = await list_sessions(ada.id, world.store)
    assert [s.id for s in sessions] == [second.session_id]


async def test_revoked_session_refresh_token_stops_at_once(world):
    ada = await world.register()
    pair = await world.login()
    await revoke_session(
        ada.id, pair.session_id, world.store, world.revocations, world.clock.now()
    )
    assert pair.session_id in world.revocations.revoked
    with pytest.raises(Unauthenticated):
        await refresh(pair.refresh_token, world.store, world.issuer, world.revocations)


async def test_revoking_another_users_session_is_not_found(world):
    await world.register()
    eve = await world.register(email="eve@example.com")
    pair = await world.login()
    with pytest.raises(NotFound):
        await revoke_session(
            eve.id, pair.session_id, world.store, world.revocations, world.clock.now()
        )
    assert world.revocations.revoked == set()


async def test_revoking_a_session_twice_is_not_found(world):
    ada = await world.register()
    pair = await world.login()
    now = world.clock.now()
    await revoke_session(ada.id, pair.session_id, world.store, world.revocations, now)
    with pytest.raises(NotFound):
        await revoke_session(
            ada.id, pair.session_id, world.store, world.revocations, now
        )

import pytest

from till.identity.core.errors import Unauthenticated
from till.identity.core.use_cases.refresh import refresh


async def _refresh(world, token):
    return await refresh(token, world.store, world.issuer, world.revocations)


async def test_refresh_returns_a_new_pair_in_the_same_session(world):
    await world.register()
    pair = await world.login()
    world.clock.advance(60)
    new = await _refresh(world, pair.refresh_token)
    assert new.session_id == pair.session_id
    assert new.refresh_token != pair.refresh_token
    session = await world.store.sessions.get(pair.session_id)
    assert session is not None and session.last_used_at == world.clock.now()


async def test_reused_refresh_token_revokes_the_whole_session(world):
    await world.register()
    pair = await world.login()
    newer = await _refresh(world, pair.refresh_token)
    with pytest.raises(Unauthenticated, match="already used"):
        await _refresh(world, pair.refresh_token)
    assert pair.session_id in world.revocations.revoked
    with pytest.raises(Unauthenticated):
        await _refresh(world, newer.refresh_token)  # the family is dead


async def test_unknown_refresh_token_is_rejected(world):
    with pytest.raises(Unauthenticated):
        await _refresh(world, "rt_made_up")


async def test_expired_refresh_token_is_rejected(world):
    await world.register()
    pair = await world.login()
    world.clock.advance(31 * 24 * 3600)
    with pytest.raises(Unauthenticated):
        await _refresh(world, pair.refresh_token)


async def test_refresh_drops_an_mfa_step_up(world):
    from till.identity.core.totp import time_step, totp_code
    from till.identity.core.use_cases.mfa import begin_totp_enrolment

    user = await world.register()
    pair = await world.login()
    enrolment = await begin_totp_enrolment(user.id, world.store, "till")
    step = time_step(world.clock.now())
    await world.verify_totp(user.id, totp_code(enrolment.secret, step))
    world.clock.advance(30)
    code = totp_code(enrolment.secret, step + 1)
    stepped = await world.challenge(user.id, pair.session_id, code)
    assert world.codec.verify(stepped.access_token, world.clock.now()).amr == (
        "pwd",
        "otp",
    )
    new = await _refresh(world, stepped.refresh_token)
    claims = world.codec.verify(new.access_token, world.clock.now())
    assert claims.amr == ("pwd",)

import pytest

from till.identity.core.errors import TokenExpired, Unauthenticated
from till.identity.core.use_cases.authenticate import authenticate_access_token


async def _auth(world, token):
    return await authenticate_access_token(
        token, world.codec, world.revocations, world.clock
    )


async def test_valid_token_gives_the_user_principal(world):
    user = await world.register()
    pair = await world.login()
    principal = await _auth(world, pair.access_token)
    assert principal.id == user.id and principal.is_user
    assert principal.session_id == pair.session_id
    assert principal.roles == {"user"}


async def test_token_of_a_revoked_session_is_rejected(world):
    await world.register()
    pair = await world.login()
    await world.revocations.mark_revoked(pair.session_id)
    with pytest.raises(Unauthenticated, match="revoked"):
        await _auth(world, pair.access_token)


async def test_token_expires_after_fifteen_minutes(world):
    await world.register()
    pair = await world.login()
    world.clock.advance(899)
    await _auth(world, pair.access_token)
    world.clock.advance(1)
    with pytest.raises(TokenExpired):
        await _auth(world, pair.access_token)

import pytest

from till.identity.core.errors import Unauthenticated
from till.identity.core.secrets_codec import digest
from till.identity.core.use_cases.api_keys import (
    CreateApiKey,
    create_api_key,
    revoke_api_key,
)
from till.identity.core.use_cases.authenticate import authenticate_api_key
from till.kernel.errors import NotFound, ValidationFailed


async def _create(world, name="billing", scopes=("payments:write",)):
    cmd = CreateApiKey(name=name, scopes=frozenset(scopes), created_by="usr_admin")
    return await create_api_key(cmd, world.store, world.clock.now())


async def test_new_key_is_shown_once_and_stored_as_a_digest(world):
    created = await _create(world)
    assert created.secret.startswith("sk_")
    stored = await world.store.api_keys.get(created.key.id)
    assert stored is not None and stored.key_hash == digest(created.secret)
    assert created.secret not in repr(stored)


async def test_key_authenticates_as_a_service_with_its_scopes(world):
    created = await _create(world)
    principal = await authenticate_api_key(
        created.secret, world.store.api_keys, world.clock
    )
    assert principal.kind == "service" and principal.id == created.key.id
    assert principal.scopes == {"payments:write"}


async def test_key_use_is_recorded_at_most_once_a_minute(world):
    created = await _create(world)
    keys = world.store.api_keys
    await authenticate_api_key(created.secret, keys, world.clock)
    first = (await keys.get(created.key.id)).last_used_at
    world.clock.advance(10)
    await authenticate_api_key(created.secret, keys, world.clock)
    assert (await keys.get(created.key.id)).last_used_at == first
    world.clock.advance(60)
    await authenticate_api_key(created.secret, keys, world.clock)
    assert (await keys.get(created.key.id)).last_used_at == world.clock.now()


async def test_revoked_key_stops_working(world):
    created = await _create(world)
    await revoke_api_key(created.key.id, world.store, world.clock.now())
    with pytest.raises(Unauthenticated):
        await authenticate_api_key(created.secret, world.store.api_keys, world.clock)


async def test_unknown_key_is_unauthenticated(world):
    with pytest.raises(Unauthenticated):
        await authenticate_api_key("sk_nope", world.store.api_keys, world.clock)


async def test_revoking_unknown_or_revoked_key_is_not_found(world):
    created = await _create(world)
    await revoke_api_key(created.key.id, world.store, world.clock.now())
    with pytest.raises(NotFound):
        await revoke_api_key(created.key.id, world.store, world.clock.now())
    with pytest.raises(NotFound):
        await revoke_api_key("key_nope", world.store, world.clock.now())


@pytest.mark.parametrize(
    ("name", "scopes", "param"),
    [
        ("", ("payments:read",), "name"),
        ("x" * 101, ("payments:read",), "name"),
        ("ok", (), "scopes"),
        ("ok", ("everything",), "scopes"),
    ],
)
async def test_invalid_key_requests_are_rejected(world, name, scopes, param):
    with pytest.raises(ValidationFailed) as error:
        await _create(world, name=name, scopes=scopes)
    assert error.value.param == param
    assert world.store.api_keys.rows == {}

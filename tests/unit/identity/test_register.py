import pytest

from tests.unit.identity.conftest import COMMON, PASSWORD
from till.identity.core.errors import InvalidEmail, WeakPassword
from till.identity.core.use_cases.register import Register, register
from till.kernel.errors import Conflict, ValidationFailed


async def test_registered_user_has_user_role_and_hashed_password(world):
    user = await world.register()
    assert user.roles == frozenset({"user"})
    assert user.id.startswith("usr_")
    assert PASSWORD not in user.password_hash
    assert await world.hasher.verify(user.password_hash, PASSWORD)
    assert await world.store.users.get(user.id) == user


async def test_register_normalises_the_email(world):
    user = await world.register(email="  Ada@Example.com")
    assert user.email.value == "ada@example.com"


async def test_register_with_taken_email_in_other_case_is_a_conflict(world):
    await world.register(email="ada@example.com")
    with pytest.raises(Conflict) as error:
        await world.register(email="ADA@example.com")
    assert error.value.param == "email"


async def test_register_with_invalid_email_is_rejected_before_hashing(world):
    cmd = Register(email="invalid-email", password=PASSWORD)
    with pytest.raises(InvalidEmail):
        await register(cmd, world.store, world.hasher, COMMON, world.clock)
    assert world.store.users.rows == {}


@pytest.mark.parametrize("password", ["short", "password1234"])
async def test_register_with_weak_password_stores_nothing(world, password):
    cmd = Register(email="ada@example.com", password=password)
    with pytest.raises(WeakPassword):
        await register(cmd, world.store, world.hasher, COMMON, world.clock)
    assert world.store.users.rows == {}


async def test_register_rejects_an_overlong_name(world):
    cmd = Register(email="ada@example.com", password=PASSWORD, name="n" * 201)
    with pytest.raises(ValidationFailed) as error:
        await register(cmd, world.store, world.hasher, COMMON, world.clock)
    assert error.value.param == "name"


async def test_register_as_admin_gives_both_roles(world):
    user = await world.register(admin=True)
    assert user.roles == frozenset({"user", "admin"})

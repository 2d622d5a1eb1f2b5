from datetime import timedelta

import pytest

from till.identity.core.errors import MfaRequired
from till.identity.core.models import Principal
from till.identity.core.use_cases.authenticate import (
    require_admin,
    require_admin_with_mfa,
    require_user,
)
from till.identity.core.use_cases.roles import change_roles
from till.kernel.errors import Forbidden, NotFound, ValidationFailed


def _admin(world, amr=("pwd", "otp"), age_seconds=0):
    return Principal(
        kind="user",
        id="usr_x",
        roles=frozenset({"user", "admin"}),
        amr=amr,
        issued_at=world.clock.now() - timedelta(seconds=age_seconds),
    )


async def test_admin_can_grant_the_admin_role(world):
    user = await world.register()
    changed = await change_roles(user.id, frozenset({"user", "admin"}), world.store)
    assert changed.roles == {"user", "admin"}
    assert (await world.store.users.get(user.id)) == changed


async def test_unknown_role_is_rejected(world):
    user = await world.register()
    with pytest.raises(ValidationFailed) as error:
        await change_roles(user.id, frozenset({"root"}), world.store)
    assert error.value.param == "roles"


async def test_empty_roles_are_rejected(world):
    user = await world.register()
    with pytest.raises(ValidationFailed):
        await change_roles(user.id, frozenset(), world.store)


async def test_changing_roles_of_unknown_user_is_not_found(world):
    with pytest.raises(NotFound):
        await change_roles("usr_nobody", frozenset({"user"}), world.store)


def test_admin_with_fresh_otp_passes(world):
    principal = _admin(world, age_seconds=599)
    assert require_admin_with_mfa(principal, world.clock, 600) is principal


def test_admin_without_otp_needs_mfa(world):
    with pytest.raises(MfaRequired):
        require_admin_with_mfa(_admin(world, amr=("pwd",)), world.clock, 600)


def test_admin_whose_step_up_is_older_than_ten_minutes_needs_mfa(world):
    with pytest.raises(MfaRequired):
        require_admin_with_mfa(_admin(world, age_seconds=601), world.clock, 600)


def test_non_admin_is_forbidden_even_with_mfa(world):
    principal = Principal(kind="user", id="usr_x", roles=frozenset({"user"}))
    with pytest.raises(Forbidden):
        require_admin(principal)


def test_service_key_is_not_a_user(world):
    with pytest.raises(Forbidden):
        require_user(Principal(kind="service", id="key_x"))

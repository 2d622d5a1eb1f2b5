from datetime import timedelta

import pytest

from till.identity.core.errors import MfaRequired
from till.identity.core.models import Principal
from till.identity.core.use_cases.authenticate import (
    require_admin,
    require_admin_with_mfa,
    require_user,
)
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
    changed = await world.change_roles(user.id, {"user", "admin"})
    assert changed.roles == {"user", "admin"}
    assert (await world.store.users.get(user.id)) == changed


async def test_unknown_role_is_rejected(world):
    user = await world.register()
    with pytest.raises(ValidationFailed) as error:
        await world.change_roles(user.id, {"root"})
    assert error.value.param == "roles"


async def test_empty_roles_are_rejected(world):
    user = await world.register()
    with pytest.raises(ValidationFailed):
        await world.change_roles(user.id, set())


async def test_changing_roles_of_unknown_user_is_not_found(world):
    with pytest.raises(NotFound):
        await world.change_roles("usr_nobody", {"user"})


async def test_changing_roles_ends_the_users_sessions(world):
    user = await world.register()
    first = await world.login()
    second = await world.login()
    await world.change_roles(user.id, {"user", "admin"})
    assert world.revocations.revoked == {first.session_id, second.session_id}


async def test_setting_the_same_roles_keeps_the_sessions(world):
    user = await world.register()
    await world.login()
    await world.change_roles(user.id, {"user"})
    assert world.revocations.revoked == set()


def test_admin_with_fresh_otp_passes(world):
    principal = _admin(world, age_seconds=599)
    assert require_admin_with_mfa(principal, world.clock, 600) is principal


def test_admin_without_otp_needs_mfa(world):
    with pytest.raises(MfaRequired):
        require_admin_with_mfa(_admin(world, amr=("pwd",)), world.clock, 600)


def test_admin_whose_step_up_is_older_than_ten_minutes_needs_mfa(world):
    with pytest.raises(MfaRequired):
        require_admin_with_mfa(_admin(world, age_seconds=601), world.clock, 600)


def test_non_admin_is_forbidden_from_admin_reads(world):
    principal = Principal(kind="user", id="usr_x", roles=frozenset({"user"}))
    with pytest.raises(Forbidden):
        require_admin(principal)


def test_non_admin_with_fresh_otp_gets_mfa_required_as_api_md_says(world):
    principal = Principal(
        kind="user",
        id="usr_x",
        roles=frozenset({"user"}),
        amr=("pwd", "otp"),
        issued_at=world.clock.now(),
    )
    with pytest.raises(MfaRequired):
        require_admin_with_mfa(principal, world.clock, 600)


def test_service_key_on_an_admin_mfa_action_gets_mfa_required(world):
    with pytest.raises(MfaRequired):
        require_admin_with_mfa(Principal(kind="service", id="key_x"), world.clock, 600)


def test_service_key_is_not_a_user(world):
    with pytest.raises(Forbidden):
        require_user(Principal(kind="service", id="key_x"))

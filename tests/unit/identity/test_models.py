from dataclasses import FrozenInstanceError

import pytest

from till.identity.core.email import Email
from till.identity.core.models import User
from till.kernel.errors import Conflict, ValidationFailed


def _user(**overrides):
    fields = {
        "id": "usr_1",
        "email": Email("ada@example.com"),
        "name": None,
        "password_hash": "h",
        "roles": frozenset({"user"}),
        "created_at": None,
    }
    fields.update(overrides)
    return User(**fields)


def test_user_cannot_be_mutated():
    user = _user()
    with pytest.raises(FrozenInstanceError):
        user.roles = frozenset({"admin"})  # type: ignore[misc]


def test_user_with_unknown_role_cannot_exist():
    with pytest.raises(ValidationFailed):
        _user(roles=frozenset({"superuser"}))


def test_transitions_return_new_instances():
    user = _user()
    pending = user.begin_totp_enrolment("SECRET")
    assert user.totp_pending_secret is None
    assert pending.totp_pending_secret == "SECRET"  # pragma: allowlist secret
    active = pending.activate_totp(7)
    assert (
        active.mfa_enabled
        and active.totp_secret == "SECRET"  # pragma: allowlist secret
    )  # pragma: allowlist secret
    assert active.totp_pending_secret is None and active.totp_last_step == 7


def test_activating_without_pending_enrolment_is_a_conflict():
    with pytest.raises(Conflict):
        _user().activate_totp(1)

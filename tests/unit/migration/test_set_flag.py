"""Setting a flag: admin + MFA, creates or replaces, records before/after."""

from datetime import UTC, datetime

import pytest

from till.kernel.errors import Forbidden, ValidationFailed
from till.migration.core.access import Caller, MfaRequired
from till.migration.core.flags import FlagSettings
from till.migration.core.use_cases.change_flag import SetFlag, set_flag

T0 = datetime(2026, 3, 1, tzinfo=UTC)
ADMIN = Caller("user", "usr_admin", admin=True, recent_mfa=True)
HALF = SetFlag("orders.create", FlagSettings(True, 50, frozenset({"usr_1"})))


def test_an_admin_with_mfa_creates_a_flag_at_version_one():
    change = set_flag(ADMIN, HALF, None, T0)
    assert change.before is None
    assert (change.after.key, change.after.percentage, change.after.version) == (
        "orders.create",
        50,
        1,
    )
    assert (change.after.updated_by, change.after.updated_at) == ("usr_admin", T0)


def test_a_second_change_keeps_what_it_replaced():
    first = set_flag(ADMIN, HALF, None, T0).after
    off = SetFlag("orders.create", FlagSettings(False, 50))
    change = set_flag(ADMIN, off, first, T0)
    assert change.before == first
    assert (change.after.enabled, change.after.version) == (False, 2)
    assert change.after.allowlist == frozenset()


@pytest.mark.parametrize(
    ("caller", "error"),
    [
        (Caller("user", "usr_admin", admin=True), MfaRequired),
        (Caller("user", "usr_1", recent_mfa=True), Forbidden),
        (Caller("service", "key_1"), Forbidden),
    ],
)
def test_only_an_admin_with_recent_mfa_may_change_a_flag(caller, error):
    with pytest.raises(error):
        set_flag(caller, HALF, None, T0)


def test_an_admin_without_mfa_gets_mfa_required_not_plain_forbidden():
    with pytest.raises(MfaRequired) as raised:
        set_flag(Caller("user", "usr_admin", admin=True), HALF, None, T0)
    assert raised.value.code == "mfa_required"


def test_an_invalid_setting_is_refused_before_anything_is_stored():
    with pytest.raises(ValidationFailed):
        set_flag(ADMIN, SetFlag("orders.create", FlagSettings(True, 101)), None, T0)
    with pytest.raises(ValidationFailed):
        set_flag(ADMIN, SetFlag("Orders!", FlagSettings(True, 1)), None, T0)

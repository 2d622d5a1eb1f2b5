"""Who may see and do what to an order (API.md, Orders)."""

import pytest

from till.kernel.errors import Forbidden, NotFound, ValidationFailed
from till.orders.core.access import (
    Caller,
    customer_for,
    require_may,
    require_scope,
    require_visible,
)

OWNER = Caller("user", "usr_a")
OTHER = Caller("user", "usr_b")
ADMIN = Caller("user", "usr_admin", admin=True)
SERVICE = Caller("service", "key_1", scopes=frozenset({"orders:write"}))


def test_users_see_their_own_orders_and_staff_see_all():
    for caller in (OWNER, ADMIN, SERVICE):
        require_visible(caller, "usr_a")
    with pytest.raises(NotFound):
        require_visible(OTHER, "usr_a")


@pytest.mark.parametrize(
    ("caller", "action", "allowed"),
    [
        (OWNER, "cancel", True),
        (OWNER, "pay", True),
        (OWNER, "fulfill", False),
        (ADMIN, "cancel", True),
        (ADMIN, "pay", False),
        (ADMIN, "ship", True),
        (SERVICE, "pay", True),
        (SERVICE, "deliver", True),
    ],
)
def test_who_may_do_each_action(caller, action, allowed):
    if allowed:
        require_may(caller, "usr_a", action)
    else:
        with pytest.raises(Forbidden):
            require_may(caller, "usr_a", action)


def test_a_service_acts_within_its_scopes_only():
    require_scope(SERVICE, "orders:write")
    require_scope(OWNER, "orders:read")  # users act by their role
    with pytest.raises(Forbidden):
        require_scope(SERVICE, "orders:read")


def test_the_customer_of_a_new_order():
    assert customer_for(OWNER, None) == "usr_a"
    assert customer_for(SERVICE, "usr_z") == "usr_z"
    with pytest.raises(Forbidden):
        customer_for(OWNER, "usr_b")
    with pytest.raises(ValidationFailed):
        customer_for(SERVICE, None)

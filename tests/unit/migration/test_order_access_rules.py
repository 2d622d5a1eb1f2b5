"""API.md's access rules applied to legacy's answers."""

import pytest

from till.kernel.errors import Forbidden, NotFound, ValidationFailed
from till.migration.core.access import Caller
from till.migration.core.order_access import (
    customer_for,
    listed_customer,
    require_may,
    require_scope,
    require_visible,
)

USER = Caller("user", "usr_a")
SHOP = Caller("service", "key_shop", scopes=frozenset({"orders:read"}))


def test_a_user_sees_only_their_own_orders_and_others_do_not_exist() -> None:
    require_visible(USER, "usr_a")
    with pytest.raises(NotFound):
        require_visible(USER, "usr_b")
    require_visible(SHOP, "usr_b")


def test_an_owner_may_cancel_but_only_staff_move_orders() -> None:
    require_may(USER, "usr_a", "cancel")
    with pytest.raises(Forbidden):
        require_may(USER, "usr_a", "ship")
    require_may(SHOP, "usr_b", "ship")


def test_a_service_key_needs_the_scope_of_the_action() -> None:
    require_scope(SHOP, "orders:read")
    with pytest.raises(Forbidden):
        require_scope(SHOP, "orders:write")
    require_scope(USER, "orders:write")  # users have no scopes to check


def test_a_service_names_the_customer_and_a_user_orders_as_themselves() -> None:
    assert customer_for(SHOP, "usr_b") == "usr_b"
    with pytest.raises(ValidationFailed):
        customer_for(SHOP, None)
    assert customer_for(USER, None) == "usr_a"
    with pytest.raises(Forbidden):
        customer_for(USER, "usr_b")


def test_a_user_listing_another_customer_gets_an_empty_list() -> None:
    assert listed_customer(USER, None) == ("usr_a", False)
    assert listed_customer(USER, "usr_b") == ("usr_a", True)
    assert listed_customer(SHOP, None) == (None, False)

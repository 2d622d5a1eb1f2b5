"""Which side a request goes to (core rules, ADR 0017)."""

from till.kernel.ids import new_id
from till.migration.core.access import Caller
from till.migration.core.legacy_ids import order_id_for_legacy
from till.migration.core.order_routing import (
    FlagAnswer,
    KnownOrder,
    Reason,
    Route,
    Side,
    legacy_created,
    route_known_order,
    route_new_request,
    targeting_key,
)

USER = Caller("user", "usr_a")
ADMIN = Caller("user", "usr_root", admin=True)
SHOP = Caller("service", "key_shop", scopes=frozenset({"orders:read"}))


def test_a_user_is_targeted_as_themselves_whatever_customer_they_name() -> None:
    assert targeting_key(USER, None) == "usr_a"
    assert targeting_key(USER, "usr_b") == "usr_a"


def test_staff_are_targeted_as_the_customer_they_name_else_as_themselves() -> None:
    assert targeting_key(SHOP, "usr_b") == "usr_b"
    assert targeting_key(ADMIN, "usr_b") == "usr_b"
    assert targeting_key(SHOP, None) == "key_shop"


def test_create_and_list_follow_the_flag_alone() -> None:
    assert route_new_request(True) == Route(Side.NEW, Reason.FLAG_ON)
    assert route_new_request(False) == Route(Side.LEGACY, Reason.FLAG_OFF)


def test_an_order_legacy_created_is_known_by_its_id_alone() -> None:
    assert legacy_created(order_id_for_legacy(42)) == 42
    assert legacy_created(new_id("ord")) is None


def test_a_minted_order_is_new_while_its_flag_is_on() -> None:
    known = KnownOrder("usr_a", legacy_id=7)
    assert route_known_order(known, FlagAnswer.ON) == Route(Side.NEW, Reason.FLAG_ON)


def test_the_kill_switch_sends_a_minted_order_to_its_legacy_row_at_once() -> None:
    known = KnownOrder("usr_a", legacy_id=7)
    assert route_known_order(known, FlagAnswer.OFF) == Route(
        Side.LEGACY, Reason.FLAG_OFF, 7
    )


def test_an_order_the_dual_write_has_not_copied_yet_stays_new() -> None:
    route = route_known_order(KnownOrder("usr_a", legacy_id=None), FlagAnswer.OFF)
    assert route == Route(Side.NEW, Reason.NOT_YET_IN_LEGACY)


def test_an_id_neither_side_minted_is_answered_by_the_new_service() -> None:
    assert route_known_order(None, FlagAnswer.OFF) == Route(
        Side.NEW, Reason.UNKNOWN_ORDER
    )


def test_a_minted_order_stays_new_while_only_its_customers_bucket_is_off() -> None:
    # At a partial rollout each route's flag splits customers differently: a
    # change sent to legacy for an order the new service created would never
    # reach the new store (the dual-write copies new → legacy only).
    known = KnownOrder("usr_a", legacy_id=7)
    route = route_known_order(known, FlagAnswer.OFF_BY_SPLIT)
    assert route == Route(Side.NEW, Reason.CREATED_BY_NEW)


def test_a_minted_order_not_copied_yet_stays_new_at_a_partial_rollout() -> None:
    known = KnownOrder("usr_a", legacy_id=None)
    route = route_known_order(known, FlagAnswer.OFF_BY_SPLIT)
    assert route.side is Side.NEW

"""LegacySide: legacy's answers under API.md's access rules."""

import pytest

from tests.fakes.strangler import LegacyShop, order_object
from till.kernel.errors import Forbidden, NotFound
from till.migration.core.access import Caller
from till.migration.shell.orchestrators.legacy_side import LegacySide

ID = "ord_00000000000000000000000009"
OWNER = Caller("user", "usr_a")
STRANGER = Caller("user", "usr_b")
SHOP = Caller("service", "key_shop", scopes=frozenset({"orders:read", "orders:write"}))


def rig() -> tuple[LegacySide, LegacyShop]:
    shop = LegacyShop({ID: order_object(ID, "usr_a")})
    return LegacySide(shop), shop


async def test_another_users_order_does_not_exist_for_them() -> None:
    side, _ = rig()
    assert (await side.get(OWNER, ID, 9))["id"] == ID
    with pytest.raises(NotFound):
        await side.get(STRANGER, ID, 9)


async def test_an_owner_cancels_after_a_check_and_staff_without_one() -> None:
    side, shop = rig()
    assert (await side.act(OWNER, "cancel", ID, 9))["status"] == "canceled"
    assert shop.calls == [("get", ID), ("cancel", ID)]
    shop.calls.clear()
    await side.act(SHOP, "ship", ID, 9)
    assert shop.calls == [("ship", ID)]


async def test_an_owner_may_not_move_their_order_and_legacy_is_not_asked_to() -> None:
    side, shop = rig()
    with pytest.raises(Forbidden):
        await side.act(OWNER, "ship", ID, 9)
    assert ("ship", ID) not in shop.calls


async def test_a_user_creates_as_themselves_and_lists_only_their_own() -> None:
    side, shop = rig()
    await side.create(OWNER, customer_id=None, currency="eur", items=[])
    assert shop.calls[-1] == ("create", "usr_a")
    mine = await side.list_orders(
        STRANGER, customer_id="usr_a", status=None, limit=20, starting_after=None
    )
    assert mine == {"data": [], "has_more": False}
    assert shop.calls[-1][0] != "list"


async def test_a_service_key_without_the_write_scope_is_refused() -> None:
    side, shop = rig()
    reader = Caller("service", "key_r", scopes=frozenset({"orders:read"}))
    with pytest.raises(Forbidden):
        await side.create(reader, customer_id="usr_a", currency="eur", items=[])
    assert shop.calls == []

"""The migration toolkit's port against fakes: idempotent imports and links,
reads as API.md's order object."""

from datetime import UTC, datetime

import pytest

from tests.unit.orchestrators.order_rig import OrderRig
from till.kernel.errors import Conflict, NotFound, ValidationFailed
from till.orders.core.commands import ImportedItem, ImportedOrder
from till.orders.core.views import rfc3339

AT = datetime(2024, 5, 1, 10, 0, tzinfo=UTC)


def legacy(legacy_id: int = 41, status: str = "shipped") -> ImportedOrder:
    return ImportedOrder(
        legacy_id=legacy_id,
        increment_id=f"10000{legacy_id}",
        customer_id=f"lgc_{legacy_id}",
        currency="eur",
        items=(ImportedItem("SKU", "Thing", 3, 1999),),
        status=status,
        created_at=AT,
        updated_at=AT.replace(hour=12),
    )


async def test_importing_a_legacy_order_twice_records_it_once():
    rig = OrderRig()
    first = await rig.imports.import_legacy(legacy())
    again = await rig.imports.import_legacy(legacy())
    assert first == again
    assert rig.types(first) == [
        "order.created",
        "order.paid",
        "order.fulfilled",
        "order.shipped",
    ]
    assert rig.store.outbox == []  # never published: not dual-written back
    view = await rig.imports.snapshot(first)
    assert view is not None
    assert (view["status"], view["total"], view["legacy_id"]) == ("shipped", 5997, 41)


async def test_link_legacy_is_idempotent_and_one_to_one():
    rig = OrderRig()
    order = await rig.order()
    await rig.imports.link_legacy(order.id, 900)
    await rig.imports.link_legacy(order.id, 900)
    assert rig.types(order.id).count("order.legacy_linked") == 1
    other = await rig.order()
    with pytest.raises(Conflict):
        await rig.imports.link_legacy(other.id, 900)
    with pytest.raises(Conflict):
        await rig.imports.link_legacy(order.id, 901)
    with pytest.raises(NotFound):
        await rig.imports.link_legacy("ord_missing", 902)
    assert rig.store.outbox[-1].type == "order.created"  # links are internal


async def test_a_link_keeps_updated_at_so_the_legacy_copy_still_agrees():
    rig = OrderRig()
    order = await rig.order()
    rig.clock.advance(60)
    await rig.imports.link_legacy(order.id, 903)
    view = await rig.imports.snapshot(order.id)
    assert view is not None
    assert (view["legacy_id"], view["updated_at"]) == (903, rfc3339(order.updated_at))


async def test_a_legacy_id_already_linked_imports_as_that_order():
    rig = OrderRig()
    order = await rig.order()
    await rig.imports.link_legacy(order.id, 41)
    assert await rig.imports.import_legacy(legacy(41)) == order.id


async def test_scan_pages_by_id_ascending_and_legacy_ids_find_their_orders():
    rig = OrderRig()
    ids = sorted([await rig.imports.import_legacy(legacy(n)) for n in (1, 2, 3)])
    first = await rig.imports.scan(None, 2)
    rest = await rig.imports.scan(first[-1]["id"], 2)
    assert [o["id"] for o in first + rest] == ids
    found = await rig.imports.orders_by_legacy_ids([3, 1, 99])
    assert sorted(found) == [1, 3] and found[3]["legacy_id"] == 3
    with pytest.raises(ValidationFailed):
        await rig.imports.scan(None, 0)
    assert await rig.imports.snapshot("ord_missing") is None

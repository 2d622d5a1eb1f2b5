"""ShadowReads: sampled, bounded, never failing the answer; lists compared
order by order through the legacy id."""

import asyncio

from tests.fakes.clock import FixedClock
from tests.fakes.strangler import ShadowVerdicts, StoredOrders, order_object
from till.migration.shell.orchestrators.shadow_reads import ShadowReads

ID = "ord_00000000000000000000000009"


def rig(
    sample: float = 1.0, draw: float = 0.5, max_in_flight: int = 8
) -> tuple[ShadowReads, StoredOrders, ShadowVerdicts]:
    store, verdicts = StoredOrders(), ShadowVerdicts()
    shadow = ShadowReads(
        store,
        verdicts,
        FixedClock(),
        sample=sample,
        draw=lambda: draw,
        max_in_flight=max_in_flight,
    )
    return shadow, store, verdicts


async def test_a_sampled_get_is_compared_after_the_answer() -> None:
    shadow, store, verdicts = rig()
    store.orders[ID] = order_object(ID, "usr_a", status="canceled")
    shadow.after_get("get", order_object(ID, "usr_a"))
    assert verdicts.recorded == []  # not yet: the answer goes first
    await shadow.drain()
    [(route, order_id, found)] = verdicts.recorded
    assert (route, order_id, [d.field for d in found]) == ("get", ID, ["status"])


async def test_reads_outside_the_sample_are_not_compared() -> None:
    shadow, store, verdicts = rig(sample=0.1, draw=0.1)
    shadow.after_get("get", order_object(ID, "usr_a"))
    await shadow.drain()
    assert (store.lookups, verdicts.recorded) == (0, [])


async def test_comparisons_beyond_the_bound_are_skipped() -> None:
    shadow, _, verdicts = rig(max_in_flight=1)
    for _ in range(3):
        shadow.after_get("get", order_object(ID, "usr_a"))
    await shadow.drain()
    assert len(verdicts.recorded) == 1


async def test_a_failing_new_store_never_reaches_the_caller() -> None:
    shadow, store, verdicts = rig()
    store.broken = True
    shadow.after_get("get", order_object(ID, "usr_a"))
    await shadow.drain()
    await asyncio.sleep(0)
    assert verdicts.recorded == []


async def test_a_listed_page_is_compared_by_legacy_id() -> None:
    shadow, store, verdicts = rig()
    store.orders[ID] = order_object(ID, "usr_a", legacy_id=9)
    other = order_object("ord_0000000000000000000000000A", "usr_a", legacy_id=10)
    shadow.after_list("list", [order_object(ID, "usr_a"), other])
    await shadow.drain()
    assert [(o, [d.field for d in f]) for _, o, f in verdicts.recorded] == [
        (ID, []),
        (other["id"], ["missing"]),
    ]

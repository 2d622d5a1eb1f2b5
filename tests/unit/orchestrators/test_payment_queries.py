"""Payment reads through the cache keep the visibility rules."""

import orjson
import pytest

from tests.unit.orchestrators.payment_rig import ALICE, SHOP, Rig, scope
from till.kernel.errors import Forbidden, NotFound
from till.payments.core.access import Caller

BOB = Caller("user", "usr_b")


async def test_a_payment_document_is_cached_and_still_hidden_from_others():
    rig = Rig()
    payment = (await rig.pay()).result
    first = await rig.queries.payment_document(ALICE, payment.id)
    assert orjson.loads(first)["id"] == payment.id
    assert f"payment:{payment.id}" in rig.cache.entries
    assert await rig.queries.payment_document(SHOP, payment.id) == first  # a hit
    with pytest.raises(NotFound):
        await rig.queries.payment_document(BOB, payment.id)  # a hit, still hidden


async def test_a_command_drops_the_cached_document():
    rig = Rig()
    payment = (await rig.pay()).result
    await rig.queries.payment_document(ALICE, payment.id)
    method = await rig.card()
    await rig.commands.confirm_payment(ALICE, payment.id, method, scope())
    again = orjson.loads(await rig.queries.payment_document(ALICE, payment.id))
    assert again["status"] == "completed"


async def test_a_users_history_is_cached_until_their_next_payment():
    rig = Rig()
    await rig.pay()
    first = orjson.loads(await rig.queries.history_document(ALICE))
    assert len(first["data"]) == 1 and "history:usr_a" in rig.cache.entries
    await rig.pay()
    assert len(orjson.loads(await rig.queries.history_document(ALICE))["data"]) == 2


async def test_the_audit_trail_is_for_staff_with_the_readscope():
    rig = Rig()
    payment = (await rig.pay()).result
    with pytest.raises(Forbidden):
        await rig.queries.payment_events(ALICE, payment.id)
    writer_only = Caller("service", "key_9", scopes=frozenset({"payments:write"}))
    with pytest.raises(Forbidden):
        await rig.queries.payment_events(writer_only, payment.id)
    events = await rig.queries.payment_events(SHOP, payment.id)
    assert [e.type for e in events] == ["payment.created"]

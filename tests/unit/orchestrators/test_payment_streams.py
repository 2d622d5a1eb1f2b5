"""A live stream sends the payment now, then again whenever it changes."""

import asyncio

import orjson
import pytest

from tests.unit.orchestrators.payment_rig import ALICE, Rig, scope
from till.kernel.errors import NotFound
from till.payments.core.access import Caller
from till.payments.shell.orchestrators.payment_streams import PaymentStreams


async def test_a_stream_follows_the_payment_and_others_get_not_found():
    rig = Rig()
    streams = PaymentStreams(rig.queries)
    payment = (await rig.pay()).result
    stream = streams.follow(ALICE, payment.id)
    first = orjson.loads(await anext(stream))
    assert first["status"] == "pending"
    following = asyncio.ensure_future(anext(stream))
    await asyncio.sleep(0)
    assert not following.done()  # nothing changed yet
    method = await rig.card()
    await rig.commands.confirm_payment(ALICE, payment.id, method, scope())
    streams.changed([f"payment:{payment.id}", "history:usr_a"])
    second = orjson.loads(await asyncio.wait_for(following, 1))
    assert second["status"] == "completed"
    await stream.aclose()
    assert not streams._waiting  # nothing left behind
    with pytest.raises(NotFound):
        await anext(streams.follow(Caller("user", "usr_b"), payment.id))

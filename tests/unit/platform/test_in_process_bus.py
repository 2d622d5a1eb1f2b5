"""The in-process bus calls the handlers of an event's type, then the `*` ones."""

from till.platform.event_bus import InProcessBus, OutboundEvent


async def test_handlers_of_the_type_and_of_everything_are_called():
    bus = InProcessBus()
    calls: list[str] = []

    async def typed(event):
        calls.append(f"typed:{event.event_id}")

    async def everything(event):
        calls.append(f"all:{event.event_id}")

    bus.subscribe("payment.created", typed)
    bus.subscribe("*", everything)
    await bus.publish(
        [
            OutboundEvent("evt_1", "payment.created", b"{}"),
            OutboundEvent("evt_2", "refund.created", b"{}"),
        ]
    )
    assert calls == ["typed:evt_1", "all:evt_1", "all:evt_2"]

"""At send time a webhook URL is resolved again: a host that now points inside
is refused, whatever it pointed to when the endpoint was registered."""

from till.payments.shell.orchestrators.webhook_endpoint_commands import (
    ResolvingGuard,
)


def _resolver(addresses):
    async def resolve(host, port):
        return addresses

    return resolve


async def test_a_host_that_now_points_inside_is_blocked():
    guard = ResolvingGuard(_resolver(["10.0.0.5"]), allow_private_urls=False)
    assert "private" in (await guard.blocked("https://hooks.example/x") or "")
    public = ResolvingGuard(_resolver(["93.184.216.34"]), allow_private_urls=False)
    assert await public.blocked("https://hooks.example/x") is None
    unresolved = ResolvingGuard(_resolver([]), allow_private_urls=False)
    assert await unresolved.blocked("https://gone.example/x") is not None

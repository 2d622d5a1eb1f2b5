"""GET /metrics for the processes without HTTP (`till worker`, `till
scheduler`): prometheus_client's server on TILL_METRICS_PORT, when set, in a
thread of its own. It serves the process's registry — the same families as the
API's GET /metrics — on any path. A scrape never waits on the event loop: the
collectors read values already counted or measured."""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from prometheus_client import start_http_server


@asynccontextmanager
async def metrics_server(host: str, port: int | None) -> AsyncIterator[int | None]:
    """Serve while the block runs; the port bound (None: not serving)."""
    if port is None:
        yield None
        return
    server, thread = await asyncio.to_thread(start_http_server, port, host)
    try:
        yield int(server.server_port)
    finally:
        await asyncio.to_thread(server.shutdown)  # waits for its loop to end
        server.server_close()
        await asyncio.to_thread(thread.join, 5)

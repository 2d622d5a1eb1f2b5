"""Host names to addresses, without blocking the event loop."""

import asyncio
import socket


async def resolve(host: str, port: int) -> list[str]:
    try:
        found = await asyncio.get_running_loop().getaddrinfo(
            host, port, type=socket.SOCK_STREAM
        )
    except OSError:
        return []
    return sorted({str(info[4][0]) for info in found})

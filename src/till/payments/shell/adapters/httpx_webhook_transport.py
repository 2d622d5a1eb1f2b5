"""Sends a webhook: one POST, a deadline, no redirects followed (a redirect
could lead into a private network), the answer's first KiB kept."""

import time

import httpx

EXCERPT = 1024


class HttpxWebhookTransport:
    def __init__(self, timeout_seconds: float = 10.0) -> None:
        self.client = httpx.AsyncClient(timeout=timeout_seconds, follow_redirects=False)

    async def post(
        self, url: str, body: bytes, headers: dict[str, str]
    ) -> tuple[int | None, int, str | None, str | None]:
        """(status, latency ms, response excerpt, error)."""
        started = time.perf_counter()
        try:
            response = await self.client.post(
                url,
                content=body,
                headers=headers | {"content-type": "application/json"},
            )
        except httpx.HTTPError as error:
            latency = int((time.perf_counter() - started) * 1000)
            return None, latency, None, type(error).__name__
        latency = int((time.perf_counter() - started) * 1000)
        return response.status_code, latency, response.text[:EXCERPT], None

    async def aclose(self) -> None:
        await self.client.aclose()

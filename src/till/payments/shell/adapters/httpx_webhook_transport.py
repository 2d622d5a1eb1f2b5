"""Sends a webhook: one POST, a deadline, no redirects followed (a redirect
could lead into a private network), the answer's first KiB kept.

With tracing on, the POST is a client span (host and port, never the URL,
which may hold the merchant's token). No traceparent is sent: the receiver is
a third party, and till's trace ids are for till's own collector."""

import time

import httpx

from till.platform import tracing

EXCERPT = 1024


class HttpxWebhookTransport:
    def __init__(self, timeout_seconds: float = 10.0) -> None:
        self.client = httpx.AsyncClient(timeout=timeout_seconds, follow_redirects=False)

    async def post(
        self, url: str, body: bytes, headers: dict[str, str]
    ) -> tuple[int | None, int, str | None, str | None]:
        """(status, latency ms, response excerpt, error)."""
        with tracing.http_client_span("POST", url) as span:
            answer = await self._post(url, body, headers)
            tracing.record_response(span, answer[0], answer[3])
        return answer

    async def _post(
        self, url: str, body: bytes, headers: dict[str, str]
    ) -> tuple[int | None, int, str | None, str | None]:
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

"""A local webhook receiver for the latency bench: an asyncio HTTP/1.1 server
(keep-alive, Content-Length bodies, which is what till's sender uses) that
verifies each delivery's Standard Webhooks signature and records, per payment
of the measured run, when its `payment.completed` first arrived.

Payments are told apart by their metadata (`bench_run`, `seq`), set by the load
generator, so the receiver needs neither the create responses nor the
database. Deliveries are deduplicated by `webhook-id`: a second arrival of the
same id counts as a duplicate and is not a new arrival.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter

import orjson
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

_OK = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Type: text/plain\r\n\r\nok"
_MAX_HEAD = 64 * 1024


class WebhookReceiver:
    def __init__(self) -> None:
        self.verifier: Webhook | None = None
        self.secret = ""
        self.tag = ""
        # seq -> (perf_counter, time.time()) of the first arrival
        self.arrivals: dict[int, tuple[float, float]] = {}
        self.webhook_ids: set[str] = set()
        self.counts: Counter[str] = Counter()
        self.last_arrival = 0.0
        self._server: asyncio.Server | None = None

    def expect(self, secret: str, tag: str) -> None:
        """Verify with this endpoint secret; record payments of run `tag` (what
        was recorded for an earlier run is forgotten)."""
        self.verifier = Webhook(secret)
        self.secret = secret
        self.tag = tag
        self.arrivals = {}
        self.counts.clear()

    async def start(self, port: int = 0) -> int:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", port)
        return int(self._server.sockets[0].getsockname()[1])

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()

    async def _serve(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        try:
            while True:
                try:
                    head = await reader.readuntil(b"\r\n\r\n")
                except (asyncio.IncompleteReadError, ConnectionError):
                    return
                if len(head) > _MAX_HEAD:
                    return
                headers = _headers(head)
                body = await reader.readexactly(int(headers.get("content-length", 0)))
                self._record(headers, body, time.perf_counter(), time.time())
                writer.write(_OK)
                await writer.drain()
        except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, OSError):
            return
        except asyncio.CancelledError:  # the bench is over: connections dropped
            return
        finally:
            writer.close()

    def _record(
        self, headers: dict[str, str], body: bytes, at: float, wall: float
    ) -> None:
        self.counts["requests"] += 1
        self.last_arrival = at
        if self.verifier is None:
            self.counts["before_setup"] += 1
            return
        try:
            self.verifier.verify(body, headers)
        except WebhookVerificationError:
            self.counts["bad_signature"] += 1
            return
        webhook_id = headers.get("webhook-id", "")
        if webhook_id in self.webhook_ids:
            self.counts["duplicate"] += 1
            return
        self.webhook_ids.add(webhook_id)
        event = orjson.loads(body)
        metadata = event.get("data", {}).get("metadata", {})
        if event.get("type") != "payment.completed":
            self.counts["other_type"] += 1
        elif metadata.get("bench_run") != self.tag:
            self.counts["other_run"] += 1  # warm-up, smoke payment
        else:
            seq = int(metadata["seq"])
            if seq in self.arrivals:  # a second event for one payment
                self.counts["duplicate_payment"] += 1
            else:
                self.arrivals[seq] = (at, wall)


def _headers(head: bytes) -> dict[str, str]:
    lines = head.decode("latin-1").split("\r\n")[1:]
    pairs = (line.split(":", 1) for line in lines if ":" in line)
    return {name.strip().lower(): value.strip() for name, value in pairs}

"""A webhook receiver for the scale-out test, in a thread of the test process:
one path per endpoint, every delivery recorded with its `webhook-id` and
checked against the endpoint's secret with the `standardwebhooks` reference
library (not till's own signing code). It refuses (503) the first attempt of
about one event in eight, so retries, sent by the schedulers' webhook job
rather than the workers' first attempts, are part of what is checked."""

import hashlib
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError


def refused_first(endpoint: str, webhook_id: str) -> bool:
    digest = hashlib.sha256(f"{endpoint}/{webhook_id}".encode()).digest()
    return digest[0] % 8 == 0


@dataclass
class Receipts:
    """What arrived, per endpoint (the URL path's last part)."""

    verifiers: dict[str, Webhook] = field(default_factory=dict)
    accepted: dict[str, Counter[str]] = field(default_factory=dict)  # id -> times
    refused: dict[str, set[str]] = field(default_factory=dict)
    counts: Counter[str] = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def expect(self, endpoint: str, secret: str) -> None:
        with self.lock:
            self.verifiers[endpoint] = Webhook(secret)
            self.accepted[endpoint] = Counter()
            self.refused[endpoint] = set()

    def record(self, endpoint: str, headers: dict[str, str], body: bytes) -> int:
        """The status to answer."""
        with self.lock:
            self.counts["requests"] += 1
            verifier = self.verifiers.get(endpoint)
            if verifier is None:
                self.counts["unknown_endpoint"] += 1
                return 404
            try:
                verifier.verify(body, headers)
            except WebhookVerificationError:
                self.counts["bad_signature"] += 1
                return 400
            webhook_id = headers["webhook-id"]
            refused = self.refused[endpoint]
            if webhook_id not in refused and refused_first(endpoint, webhook_id):
                refused.add(webhook_id)
                self.counts["refused_first_attempts"] += 1
                return 503
            self.accepted[endpoint][webhook_id] += 1
            return 200

    def ids(self, endpoint: str) -> set[str]:
        with self.lock:
            return set(self.accepted[endpoint])

    def duplicates(self) -> int:
        """Accepted deliveries beyond the first of their id (what dedup by
        `webhook-id` removes)."""
        with self.lock:
            return sum(n - 1 for seen in self.accepted.values() for n in seen.values())

    def accepted_total(self) -> int:
        with self.lock:
            return sum(sum(seen.values()) for seen in self.accepted.values())


def _handler(receipts: Receipts) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as till's sender uses

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            headers = {k.lower(): v for k, v in self.headers.items()}
            endpoint = self.path.rstrip("/").rsplit("/", 1)[-1]
            status = receipts.record(endpoint, headers, body)
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            return

    return Handler


@contextmanager
def webhook_receiver() -> Iterator[tuple[str, Receipts]]:
    """The receiver's base URL (http://127.0.0.1:port/hooks) and receipts."""
    receipts = Receipts()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(receipts))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/hooks", receipts
    finally:
        server.shutdown()
        server.server_close()

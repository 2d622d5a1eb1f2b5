"""`FakeStripe` served over HTTP on 127.0.0.1 (a free port), in threads beside
the test's event loop."""

import json
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from threading import Thread
from typing import Any
from urllib.parse import parse_qsl

from tests.integration.payments.fake_stripe import FakeStripe, error


class _Handler(BaseHTTPRequestHandler):
    server: "_Server"

    def do_GET(self) -> None:
        self._answer()

    def do_POST(self) -> None:
        self._answer()

    def _answer(self) -> None:
        fake = self.server.fake
        if (self.headers.get("Authorization") or "").startswith("Bearer sk_"):
            size = int(self.headers.get("Content-Length") or 0)
            form = dict(parse_qsl(self.rfile.read(size).decode()))
            key = self.headers.get("Idempotency-Key")
            status, body, stall = fake.handle(self.command, self.path, key, form)
        else:
            message = "You did not provide an API key."
            status, body, stall = (
                401,
                json.dumps(error("invalid_request_error", None, message)),
                0,
            )
        if stall:
            fake.released.wait(stall)
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Request-Id", f"req_fake{len(fake.seen)}")
            self.end_headers()
            self.wfile.write(body.encode())
        except OSError:  # the client gave up on a stalled answer
            pass

    def log_message(self, format: str, *args: Any) -> None:
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    fake: FakeStripe


@contextmanager
def running_fake_stripe() -> Iterator[FakeStripe]:
    server = _Server(("127.0.0.1", 0), _Handler)
    server.fake = fake = FakeStripe()
    fake.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        fake.released.set()
        server.shutdown()
        server.server_close()
        thread.join()

"""A bounded load on a running till while it is told to stop: clients that
create and confirm payments (with keep-alive, as real clients do), and a
load balancer's readiness probe. Each request ends one of three ways: a
response, refused (the server had stopped accepting: the client goes
elsewhere), or dropped after it was sent (a connection reset or closed with
no answer)."""

import threading
import time
import uuid
from dataclasses import dataclass, field

import httpx

CARD = {"number": "4242424242424242", "exp_month": 12, "exp_year": 2031, "cvc": "123"}


@dataclass
class Outcomes:
    statuses: list[int] = field(default_factory=list)
    created: list[str] = field(default_factory=list)  # payment ids answered 201
    refused: int = 0
    dropped: list[str] = field(default_factory=list)  # Idempotency-Keys
    served_while_draining: int = 0
    not_ready_at: float | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)


class PaymentLoad:
    """`clients` threads paying until refused or `seconds` are over."""

    def __init__(self, url: str, token: str, clients: int = 8, seconds: float = 6.0):
        self.url = url
        self.auth = {"Authorization": f"Bearer {token}"}
        self.clients = clients
        self.deadline = time.monotonic() + seconds
        self.outcomes = Outcomes()
        self._threads: list[threading.Thread] = []
        self._stop = threading.Event()

    def start(self) -> None:
        with httpx.Client(base_url=self.url, timeout=10) as http:
            made = http.post(
                "/v1/payment-methods",
                json={"type": "card", "card": CARD},
                headers=self.auth,
            )
            assert made.status_code == 201, made.text
            self.method = made.json()["id"]
        targets = [self._client] * self.clients + [self._probe]
        self._threads = [threading.Thread(target=t, daemon=True) for t in targets]
        for thread in self._threads:
            thread.start()

    def join(self) -> Outcomes:
        for thread in self._threads:
            thread.join(timeout=max(self.deadline - time.monotonic(), 0) + 15)
        self._stop.set()
        return self.outcomes

    def _client(self) -> None:
        with httpx.Client(base_url=self.url, timeout=15) as http:
            while time.monotonic() < self.deadline:
                if not self._pay(http):
                    return

    def _pay(self, http: httpx.Client) -> bool:
        """One payment; whether to go on (not once refused)."""
        key = uuid.uuid4().hex
        body = {
            "amount": 1050,
            "currency": "usd",
            "payment_method": self.method,
            "confirm": True,
        }
        try:
            response = http.post(
                "/v1/payments", json=body, headers=self.auth | {"Idempotency-Key": key}
            )
        except httpx.ConnectError:
            with self.outcomes.lock:
                self.outcomes.refused += 1
            return False
        except httpx.TransportError:
            with self.outcomes.lock:
                self.outcomes.dropped.append(key)
            return True  # try again: on a new connection
        with self.outcomes.lock:
            self.outcomes.statuses.append(response.status_code)
            if response.status_code == 201:
                self.outcomes.created.append(response.json()["id"])
                if self.outcomes.not_ready_at is not None:
                    self.outcomes.served_while_draining += 1
        return True

    def _probe(self) -> None:
        """The load balancer: /readyz every 50 ms until it fails."""
        while time.monotonic() < self.deadline and not self._stop.is_set():
            try:
                ready = httpx.get(self.url + "/readyz", timeout=2).status_code == 200
            except httpx.TransportError:
                ready = False
            if not ready:
                with self.outcomes.lock:
                    self.outcomes.not_ready_at = time.monotonic()
                return
            time.sleep(0.05)

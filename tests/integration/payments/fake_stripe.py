"""A small Stripe look-alike for the Stripe adapter's tests: the state and the
answers; `fake_stripe_server` puts it on 127.0.0.1 over HTTP.

It knows what the adapter uses of Stripe's v1 API (form-encoded requests, JSON
objects and errors): PaymentIntents (create+confirm, capture, cancel, retrieve)
and refunds, with Stripe's test cards. POSTs honour `Idempotency-Key` as Stripe
does: the first answer is stored and replayed; the same key with other
parameters is a 400 `idempotency_error`. `fail_next` scripts the next answers.
"""

import json
import re
import threading
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlsplit

APPROVED_CARD = "4242424242424242"
# Stripe's declining test cards: number → (code, decline_code, message).
DECLINING_CARDS = {
    "4000000000000002": ("card_declined", "generic_decline", "Card declined."),
    "4000000000009995": ("card_declined", "insufficient_funds", "No funds."),
    "4000000000000069": ("expired_card", "expired_card", "Card expired."),
    "4000000000000127": ("incorrect_cvc", "incorrect_cvc", "Wrong CVC."),
    "4000000000000119": ("processing_error", "processing_error", "Try again."),
}
_WRONG_NUMBER = ("incorrect_number", None, "Your card number is incorrect.")
_INTENT_PATH = re.compile(r"/v1/payment_intents/(\w+)(?:/(capture|cancel))?")
_REUSED_KEY = "Keys for idempotent requests can only be used with the same parameters."
Answer = tuple[int, dict[str, Any]]


def error(kind: str, code: str | None, message: str, **more: Any) -> dict[str, Any]:
    return {"error": {"type": kind, "code": code, "message": message, **more}}


def _invalid(code: str, message: str) -> Answer:
    return (404 if code == "resource_missing" else 400), error(
        "invalid_request_error", code, message
    )


@dataclass(frozen=True)
class Seen:
    method: str
    path: str
    idempotency_key: str | None
    form: dict[str, str]


class FakeStripe:
    def __init__(self) -> None:
        self.url = ""
        self.intents: dict[str, dict[str, Any]] = {}
        self.refunds: dict[str, dict[str, Any]] = {}
        self.balance: list[dict[str, Any]] = []  # balance transactions, oldest first
        self.seen: list[Seen] = []
        self.stall_seconds = 1.0
        self.released = threading.Event()  # ends the stalls at teardown
        self._script: list[str] = []
        self._replays: dict[str, tuple[str, dict[str, str], int, str]] = {}
        self._lock = threading.Lock()

    def fail_next(self, count: int, how: str) -> None:
        """Answer the next `count` requests with `how`: "429", "500", "stall"
        (processed, then answered after `stall_seconds`: too late) or "echo400"
        (a 400 whose message repeats the parameters)."""
        self._script += [how] * count

    def keys_seen(self) -> list[str | None]:
        return [request.idempotency_key for request in self.seen]

    def handle(
        self, method: str, path: str, key: str | None, form: dict[str, str]
    ) -> tuple[int, str, float]:
        """The status, JSON body and delay of the answer to one request."""
        with self._lock:
            self.seen.append(Seen(method, path, key, form))
            how = self._script.pop(0) if self._script else ""
            if how == "429":
                body = error("invalid_request_error", None, "Too many requests.")
                return 429, json.dumps(body), 0
            if how == "500":
                return 500, json.dumps(error("api_error", None, "Unknown error.")), 0
            if how == "echo400":
                status, body = _invalid("parameter_invalid", f"Invalid: {form}")
                return status, json.dumps(body), 0
            status, text = self._idempotent(method, path, key, form)
            return status, text, self.stall_seconds if how == "stall" else 0

    def _idempotent(
        self, method: str, path: str, key: str | None, form: dict[str, str]
    ) -> tuple[int, str]:
        if method != "POST" or key is None:
            status, body = self._route(method, path, form)
            return status, json.dumps(body)
        if key not in self._replays:
            status, body = self._route(method, path, form)
            self._replays[key] = (path, form, status, json.dumps(body))
        first_path, first_form, status, text = self._replays[key]
        if (first_path, first_form) != (path, form):
            return 400, json.dumps(error("idempotency_error", None, _REUSED_KEY))
        return status, text

    def _route(self, method: str, path: str, form: dict[str, str]) -> Answer:
        if method == "GET" and path.startswith("/v1/balance_transactions"):
            return self._balance_page(dict(parse_qsl(urlsplit(path).query)))
        if (method, path) == ("POST", "/v1/payment_intents"):
            return self._create(form)
        if (method, path) == ("POST", "/v1/refunds"):
            return self._refund(form)
        if method == "GET" and path.startswith("/v1/refunds/"):
            refund = self.refunds.get(path.removeprefix("/v1/refunds/"))
            return (200, refund) if refund else _invalid("resource_missing", path)
        found = _INTENT_PATH.fullmatch(path)
        if not found or found[1] not in self.intents:
            return _invalid("resource_missing", path)
        intent, action = self.intents[found[1]], (method, found[2])
        if action == ("GET", None):
            return 200, intent
        if action == ("POST", "capture") and intent["status"] == "requires_capture":
            return self._capture(intent, int(form["amount_to_capture"]))
        if action == ("POST", "cancel") and intent["status"] != "succeeded":
            intent.update(status="canceled", amount_capturable=0)
            return 200, intent
        return _invalid("payment_intent_unexpected_state", intent["status"])

    def _create(self, form: dict[str, str]) -> Answer:
        amount, manual = int(form["amount"]), form["capture_method"] == "manual"
        intent: dict[str, Any] = {
            "id": f"pi_fake{len(self.intents) + 1}",
            "object": "payment_intent",
            "amount": amount,
            "currency": form["currency"],
            "capture_method": form["capture_method"],
            "status": "requires_payment_method",
            "amount_capturable": 0,
            "amount_received": 0,
            "last_payment_error": None,
        }
        self.intents[intent["id"]] = intent
        number = form.get("payment_method_data[card][number]")
        if form.get("payment_method_data[type]") == "sepa_debit":
            intent["status"] = "processing"
        elif number == APPROVED_CARD and manual:
            intent.update(status="requires_capture", amount_capturable=amount)
        elif number == APPROVED_CARD:
            intent.update(status="succeeded", amount_received=amount)
            self._charged(intent, amount)
        else:
            code, decline, message = DECLINING_CARDS.get(number or "", _WRONG_NUMBER)
            failure = error("card_error", code, message, decline_code=decline)
            intent["last_payment_error"] = dict(failure["error"])
            failure["error"]["payment_intent"] = intent
            return 402, failure
        return 200, intent

    def _moved(self, kind: str, amount: int, currency: str, source: dict) -> None:
        """A balance transaction; the fee rounds down (ours rounds half up, so
        some captures differ by one: what a reconciliation is for)."""
        fee = amount * 29 // 1000 + 30 if kind == "charge" else 0
        self.balance.append(
            {
                "id": f"txn_fake{len(self.balance) + 1}",
                "object": "balance_transaction",
                "type": kind,
                "amount": amount if kind == "charge" else -amount,
                "fee": fee,
                "currency": currency,
                "created": int(time.time()),
                "source": source,
            }
        )

    def _balance_page(self, query: dict[str, str]) -> Answer:
        start, end = int(query["created[gte]"]), int(query["created[lt]"])
        found = [t for t in self.balance if start <= t["created"] < end]
        after = query.get("starting_after")
        if after is not None:
            found = found[[t["id"] for t in found].index(after) + 1 :]
        limit = int(query.get("limit", 10))
        data = [
            t
            | {
                "source": t["source"]
                if "data.source" in query.values()
                else t["source"]["id"]
            }
            for t in found[:limit]
        ]
        return 200, {"object": "list", "data": data, "has_more": len(found) > limit}

    def _charged(self, intent: dict[str, Any], amount: int) -> None:
        charge = {"id": f"ch_{intent['id']}", "object": "charge"}
        self._moved(
            "charge",
            amount,
            intent["currency"],
            charge | {"payment_intent": intent["id"]},
        )

    def _capture(self, intent: dict[str, Any], amount: int) -> Answer:
        if amount > intent["amount_capturable"]:
            return _invalid("amount_too_large", "More than the amount capturable.")
        intent.update(status="succeeded", amount_capturable=0, amount_received=amount)
        self._charged(intent, amount)
        return 200, intent

    def _refund(self, form: dict[str, str]) -> Answer:
        intent = self.intents.get(form["payment_intent"])
        if intent is None:
            return _invalid("resource_missing", form["payment_intent"])
        left = intent["amount_received"] - sum(
            refund["amount"]
            for refund in self.refunds.values()
            if refund["payment_intent"] == intent["id"]
        )
        amount = int(form.get("amount", left))
        if intent["status"] != "succeeded" or amount > left:
            return _invalid("amount_too_large", "More than the unrefunded amount.")
        refund_id = f"re_fake{len(self.refunds) + 1}"
        self.refunds[refund_id] = {
            "id": refund_id,
            "object": "refund",
            "amount": amount,
            "payment_intent": intent["id"],
            "status": "succeeded",
        }
        self._moved("refund", amount, intent["currency"], self.refunds[refund_id])
        return 200, self.refunds[refund_id]

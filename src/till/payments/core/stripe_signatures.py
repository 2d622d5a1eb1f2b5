"""`Stripe-Signature` on Stripe's webhooks: `t=<unix seconds>,v1=<hex
HMAC-SHA256 of "t.body" under the endpoint secret>` (several v1 during a
secret roll). Stale (more than 300 s off) or wrong → refused."""

import hashlib
import hmac

from till.kernel.errors import DomainError

TOLERANCE_SECONDS = 300


class InvalidSignature(DomainError):
    code = "invalid_signature"


def stripe_signature(secret: str, timestamp: int, body: bytes) -> str:
    signed = f"{timestamp}.".encode() + body
    return hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


def verify_stripe_signature(
    header: str | None, body: bytes, secret: str, now: int
) -> None:
    if not header:
        raise InvalidSignature("Stripe-Signature header is missing")
    parts = [p.split("=", 1) for p in header.split(",") if "=" in p]
    stamps = [v for k, v in parts if k.strip() == "t"]
    signatures = [v for k, v in parts if k.strip() == "v1"]
    if len(stamps) != 1 or not stamps[0].isdigit() or not signatures:
        raise InvalidSignature("Stripe-Signature is malformed")
    timestamp = int(stamps[0])
    if abs(now - timestamp) > TOLERANCE_SECONDS:
        raise InvalidSignature("Stripe-Signature is too old or too new")
    expected = stripe_signature(secret, timestamp, body)
    if not any(hmac.compare_digest(expected, s) for s in signatures):
        raise InvalidSignature("Stripe-Signature does not match")

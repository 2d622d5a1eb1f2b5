"""Standard Webhooks v1 signatures (what till sends to webhook endpoints).

Headers: `webhook-id` (the event id, stable across retries), `webhook-timestamp`
(Unix seconds), `webhook-signature`: `v1,<base64 HMAC-SHA256 of
"id.timestamp.body">` under the endpoint secret (`whsec_<base64 key>`),
space-separated when two secrets sign during a rotation's overlap."""

import base64
import hashlib
import hmac
import secrets

SECRET_PREFIX = "whsec_"  # noqa: S105 (the format's prefix, not a secret)  # pragma: allowlist secret


def new_secret() -> str:
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


def _key(secret: str) -> bytes:
    encoded = secret.removeprefix(SECRET_PREFIX)
    return base64.b64decode(encoded + "=" * (-len(encoded) % 4))


def signature(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    signed = f"{message_id}.{timestamp}.".encode() + body
    digest = hmac.new(_key(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def webhook_headers(
    secrets_: list[str], message_id: str, timestamp: int, body: bytes
) -> dict[str, str]:
    """The three headers, signed by every current secret (newest first)."""
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": " ".join(
            signature(s, message_id, timestamp, body) for s in secrets_
        ),
    }

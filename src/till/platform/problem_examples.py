"""One example of each error the API answers (API.md, Conventions), for the
OpenAPI document: built with `problem_body`, the function that writes the real
answers, so an example has exactly the shape a client will see."""

from typing import Any

from till.platform.example_registry import keep
from till.platform.problems import problem_body

REQUEST_ID = "4bf92f3577b34da6a3ce929d0e0e4736"
IDEMPOTENCY_KEY = "Idempotency-Key"

# code: (status, detail, param)
_PROBLEMS: dict[str, tuple[int, str, str | None]] = {
    "malformed_json": (400, "the request body is not valid JSON", None),
    "idempotency_key_missing": (
        400,
        "this request needs an `Idempotency-Key` header",
        IDEMPOTENCY_KEY,
    ),
    "invalid_signature": (400, "Stripe-Signature does not match", None),
    "unauthenticated": (401, "send `Authorization: Bearer <token>`", None),
    "invalid_credentials": (401, "email or password is incorrect", None),
    "token_expired": (401, "the access token has expired", None),
    "card_declined": (402, "the payment was declined", "payment_method"),
    "forbidden": (403, "only a service or an admin may do this", None),
    "mfa_required": (
        403,
        "this action needs an admin token with a recent MFA step-up",
        None,
    ),
    "not_found": (404, "no such resource", None),
    "conflict": (409, "the resource exists already", None),
    "invalid_state": (409, "cannot cancel when status is completed", None),
    "idempotency_key_in_use": (
        409,
        "a request with this Idempotency-Key is still running; retry later",
        None,
    ),
    "validation_error": (
        422,
        "Input should be greater than or equal to 1",
        "amount",
    ),
    "idempotency_key_reused": (
        422,
        "this Idempotency-Key was used with a different request",
        IDEMPOTENCY_KEY,
    ),
    "rate_limited": (429, "too many requests; retry in 12 s", None),
    "internal_error": (500, "something went wrong on our side", None),
    "gateway_unavailable": (503, "the payment processor is unavailable", None),
    "service_unavailable": (503, "postgres unreachable", None),
}

_SUMMARIES = {
    "malformed_json": "The body is not JSON",
    "idempotency_key_missing": "No Idempotency-Key header",
    "invalid_signature": "Stripe-Signature does not verify",
    "unauthenticated": "No or invalid bearer token",
    "invalid_credentials": "Wrong email, password or code",
    "token_expired": "The access token expired",
    "card_declined": "The card was declined",
    "forbidden": "The caller may see this but not do that",
    "mfa_required": "An admin token with a recent MFA step-up is needed",
    "not_found": "Unknown id, or not the caller's",
    "conflict": "The resource already exists",
    "invalid_state": "The status does not allow this action",
    "idempotency_key_in_use": "The first request with this key is still running",
    "validation_error": "A field is invalid",
    "idempotency_key_reused": "This key was used with another body",
    "rate_limited": "Too many requests (see Retry-After)",
    "internal_error": "An unexpected error (never for bad input)",
    "gateway_unavailable": "The payment processor did not answer (safe to retry)",
    "service_unavailable": "A dependency is unreachable",
}


def problem_example(
    code: str, detail: str | None = None, param: str | None = None, **members: Any
) -> dict[str, Any]:
    """An OpenAPI Example Object for `code`; `detail` and `param` replace the
    catalogue's when an operation says it better ("no such order"); `members`
    are extension members some errors add (RFC 9457 §3.2)."""
    status, default_detail, default_param = _PROBLEMS[code]
    body = problem_body(
        status, code, detail or default_detail, param or default_param, REQUEST_ID
    )
    return {"summary": _SUMMARIES[code], "value": keep(body | members)}


def problem_status(code: str) -> int:
    return _PROBLEMS[code][0]


PROBLEM_CODES = frozenset(_PROBLEMS)

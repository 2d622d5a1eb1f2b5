"""Rate limits as FastAPI dependencies, with the IETF `RateLimit-*` headers and
429 `rate_limited` + `Retry-After` over the limit."""

from collections.abc import Awaitable, Callable

from fastapi import Request

from till.platform.client_address import client_ip
from till.platform.problems import ProblemError
from till.platform.rate_limit import Decision, RateLimiter, RateRule


def rate_limit_headers(decision: Decision) -> dict[str, str]:
    return {
        "RateLimit-Limit": str(decision.limit),
        "RateLimit-Remaining": str(decision.remaining),
        "RateLimit-Reset": str(decision.reset_seconds),
    }


def per_client_ip(rule_name: str) -> Callable[[Request], Awaitable[None]]:
    """A dependency that counts the request against `rule_name` for the client IP.
    The rules are read from `app.state.rate_rules` (None: not limited)."""

    async def check(request: Request) -> None:
        subject = f"ip:{client_ip(request) or 'unknown'}"
        await enforce_rate_limit(request, rule_name, subject)

    return check


async def enforce_rate_limit(request: Request, rule_name: str, subject: str) -> None:
    """Count the request against `rule_name` for `subject` (an IP, a caller);
    429 over the limit. The strictest rule's headers are the ones sent."""
    rule: RateRule | None = request.app.state.rate_rules.get(rule_name)
    if rule is None:
        return
    limiter: RateLimiter = request.app.state.rate_limiter
    decision = await limiter.hit(subject, rule)
    headers = rate_limit_headers(decision)
    if not decision.allowed:
        headers["Retry-After"] = str(decision.retry_after_seconds)
        raise ProblemError(
            429,
            "rate_limited",
            f"too many requests; retry in {decision.retry_after_seconds} s",
            headers=headers,
        )
    # Every answer of the endpoint carries them, errors included: the edge
    # middleware adds what a handler's exception would have dropped.
    earlier = getattr(request.state, "rate_limit_headers", None)
    if earlier is None or decision.remaining < int(earlier["RateLimit-Remaining"]):
        request.state.rate_limit_headers = headers

"""Turn a bearer credential into a Principal, and check what it may do."""

from datetime import timedelta

from till.identity.core.errors import MfaRequired, Unauthenticated
from till.identity.core.models import Principal
from till.identity.core.ports import (
    AccessTokenCodec,
    ApiKeyRepository,
    Clock,
    SessionRevocations,
)
from till.identity.core.secrets_codec import digest
from till.kernel.errors import Forbidden

API_KEY_TOUCH_INTERVAL = timedelta(minutes=1)


async def authenticate_access_token(
    token: str, codec: AccessTokenCodec, revocations: SessionRevocations, clock: Clock
) -> Principal:
    """Rules: the signature, algorithm, issuer, audience, type and expiry check out
    (in the codec), and the token's session has not been revoked."""
    claims = codec.verify(token, clock.now())
    if await revocations.is_revoked(claims.session_id):
        raise Unauthenticated("the session has been revoked")
    return Principal(
        kind="user",
        id=claims.subject,
        roles=claims.roles,
        session_id=claims.session_id,
        amr=claims.amr,
        issued_at=claims.issued_at,
    )


async def authenticate_api_key(
    secret: str, keys: ApiKeyRepository, clock: Clock
) -> Principal:
    """Rules: an unknown or revoked key is 401; use is recorded (`last_used_at`,
    at most once a minute per key so the hot path stays a read)."""
    key = await keys.by_hash(digest(secret))
    if key is None or key.revoked_at is not None:
        raise Unauthenticated("API key is not valid")
    now = clock.now()
    if key.last_used_at is None or now - key.last_used_at >= API_KEY_TOUCH_INTERVAL:
        await keys.touch(key.id, now)
    return Principal(kind="service", id=key.id, scopes=key.scopes)


def require_user(principal: Principal) -> Principal:
    if not principal.is_user:
        raise Forbidden("this endpoint is for users, not API keys")
    return principal


def require_admin_with_mfa(
    principal: Principal, clock: Clock, max_age_seconds: int
) -> Principal:
    """Rules (API.md): role `admin` and an access token whose `amr` has `otp`,
    issued at most `max_age_seconds` ago; otherwise 403 `mfa_required`, whatever
    is missing (a service key or a plain user gets the same answer)."""
    fresh = principal.has_recent_mfa(clock.now(), timedelta(seconds=max_age_seconds))
    if not principal.is_user or "admin" not in principal.roles or not fresh:
        raise MfaRequired()
    return principal


def require_admin(principal: Principal) -> Principal:
    if not principal.is_user or "admin" not in principal.roles:
        raise Forbidden("this action needs the admin role")
    return principal

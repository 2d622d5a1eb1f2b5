"""TOTP multi-factor authentication: enrol, verify the enrolment, step up."""

from dataclasses import dataclass

from till.identity.core.errors import InvalidMfaCode, RateLimited, Unauthenticated
from till.identity.core.models import TokenPair, User
from till.identity.core.ports import IdentityStore, LoginThrottle
from till.identity.core.secrets_codec import (
    RECOVERY_CODE_COUNT,
    digest,
    new_recovery_code,
    normalise_recovery_code,
)
from till.identity.core.throttle import ACCOUNT_POLICY
from till.identity.core.token_issuer import TokenIssuer
from till.identity.core.totp import matching_step, new_totp_secret, provisioning_uri
from till.kernel.errors import Conflict, Forbidden


@dataclass(frozen=True, slots=True)
class Enrolment:
    secret: str
    otpauth_uri: str


async def _locked_user(user_id: str, store: IdentityStore) -> User:
    # The row lock makes concurrent MFA commands on one user take turns, so a
    # code cannot be accepted twice and no write is lost.
    user = await store.users.get_for_update(user_id)
    if user is None:
        raise Unauthenticated("the account no longer exists")
    return user


async def _reserve_code_attempt(user: User, throttle: LoginThrottle) -> str:
    """Codes are short: count guesses per account, like passwords, whatever the
    number of IPs they come from."""
    key = f"mfa:{user.id}"
    wait = await throttle.reserve(key, ACCOUNT_POLICY)
    if wait is not None:
        raise RateLimited(wait)
    return key


async def begin_totp_enrolment(
    user_id: str, store: IdentityStore, issuer_name: str
) -> Enrolment:
    """Rules: an account with MFA already on cannot enrol again (409); a new
    enrolment replaces a pending one; MFA is off until the code is verified."""
    user = await _locked_user(user_id, store)
    secret = new_totp_secret()
    await store.users.save(user.begin_totp_enrolment(secret))
    return Enrolment(secret, provisioning_uri(secret, user.email.value, issuer_name))


async def verify_totp_enrolment(
    user_id: str,
    code: str,
    store: IdentityStore,
    issuer: TokenIssuer,
    throttle: LoginThrottle,
) -> list[str]:
    """Rules: the code must match the pending secret (guesses are throttled per
    account); MFA turns on and ten single-use recovery codes are returned once
    (only their digests are kept)."""
    user = await _locked_user(user_id, store)
    pending = user.totp_pending_secret
    if pending is None:
        raise Conflict("no TOTP enrolment is pending; start one first")
    key = await _reserve_code_attempt(user, throttle)
    step = matching_step(pending, code, issuer.clock.now(), after_step=-1)
    if step is None:
        raise InvalidMfaCode()
    await throttle.reset(key)
    await store.users.save(user.activate_totp(step))
    codes = [new_recovery_code() for _ in range(RECOVERY_CODE_COUNT)]
    await store.recovery_codes.replace(user.id, [digest(c) for c in codes])
    return codes


async def mfa_challenge(
    user_id: str,
    session_id: str,
    code: str,
    store: IdentityStore,
    issuer: TokenIssuer,
    throttle: LoginThrottle,
) -> TokenPair:
    """Rules: the account has MFA on (else 403); guesses are throttled per account;
    the code is a TOTP code of a time step later than the last one used, or an
    unused recovery code; a success issues a new pair in the same session whose
    access token has `amr: ["pwd","otp"]` and retires the session's older refresh
    tokens (presenting one later counts as reuse)."""
    user = await _locked_user(user_id, store)
    if not user.mfa_enabled or user.totp_secret is None:
        raise Forbidden("MFA is not enabled for this account")
    key = await _reserve_code_attempt(user, throttle)
    now = issuer.clock.now()
    step = matching_step(user.totp_secret, code, now, after_step=user.totp_last_step)
    if step is not None:
        await store.users.save(user.accept_totp_step(step))
    else:
        code_hash = digest(normalise_recovery_code(code))
        if not await store.recovery_codes.consume(user.id, code_hash, now):
            raise InvalidMfaCode()
    await throttle.reset(key)
    await store.refresh_tokens.retire_for_session(session_id, now)
    await store.sessions.touch(session_id, now)
    return await issuer.issue_pair(store, user, session_id, ("pwd", "otp"))

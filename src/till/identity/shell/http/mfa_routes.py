"""/v1/auth/mfa: TOTP enrolment, verification and step-up; the JWKS."""

from typing import Any

from fastapi import APIRouter, status

from till.identity.shell.http.auth_routes import pair_out
from till.identity.shell.http.dependencies import (
    Commands,
    CredentialRateLimit,
    CurrentUser,
    Queries,
)
from till.identity.shell.http.schemas import (
    CodeRequest,
    JwksOut,
    TokenPairOut,
    TotpEnrolmentOut,
    TotpVerifiedOut,
)
from till.platform.openapi import problems

router = APIRouter(tags=["identity"])
_WRONG_CODE = {"detail": "the code is wrong, expired or already used", "param": "code"}


@router.post(
    "/v1/auth/mfa/totp",
    status_code=status.HTTP_201_CREATED,
    responses=problems(conflict={"detail": "MFA is already enabled for this account"}),
)
async def begin_totp(user: CurrentUser, identity: Commands) -> TotpEnrolmentOut:
    """Start TOTP enrolment; MFA stays off until a code is verified."""
    enrolment = await identity.begin_totp(user.id)
    return TotpEnrolmentOut(secret=enrolment.secret, otpauth_uri=enrolment.otpauth_uri)


@router.post(
    "/v1/auth/mfa/totp/verify",
    dependencies=[CredentialRateLimit],
    responses=problems("rate_limited", invalid_credentials=_WRONG_CODE),
)
async def verify_totp(
    body: CodeRequest, user: CurrentUser, identity: Commands
) -> TotpVerifiedOut:
    """Turn MFA on; returns ten single-use recovery codes, shown once."""
    codes = await identity.verify_totp(user.id, body.code)
    return TotpVerifiedOut(recovery_codes=codes)


@router.post(
    "/v1/auth/mfa/challenge",
    dependencies=[CredentialRateLimit],
    responses=problems("rate_limited", invalid_credentials=_WRONG_CODE),
)
async def challenge(
    body: CodeRequest, user: CurrentUser, identity: Commands
) -> TokenPairOut:
    """Step up with a TOTP or recovery code: the new access token has
    `amr: ["pwd","otp"]`. A wrong or replayed code → 401."""
    session_id = user.session_id or ""  # users always come with a session
    return pair_out(await identity.mfa_challenge(user.id, session_id, body.code))


@router.get(
    "/.well-known/jwks.json",
    response_model=None,  # documented below; the keys are sent as they are
    responses={200: {"model": JwksOut}},
)
async def jwks(identity: Queries) -> dict[str, Any]:
    """Public keys that verify access tokens (empty with HS512)."""
    return identity.jwks()

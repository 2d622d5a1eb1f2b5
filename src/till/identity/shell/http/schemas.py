"""Request and response bodies of the identity API (the OpenAPI schemas)."""

from datetime import datetime
from typing import Literal

from pydantic import Field

from till.identity.shell.http import schema_examples as ex
from till.platform.schemas import Response, StrictRequest, examples


class RegisterRequest(StrictRequest):
    model_config = examples(ex.REGISTER)

    email: str = Field(max_length=320, examples=["ada@example.com"])
    password: str = Field(
        max_length=4096, description="At least 12 characters, not a common password."
    )
    name: str | None = Field(default=None, max_length=200, examples=["Ada Lovelace"])


class LoginRequest(StrictRequest):
    model_config = examples(ex.LOGIN)

    email: str = Field(max_length=320, examples=["ada@example.com"])
    password: str = Field(max_length=4096)


class RefreshRequest(StrictRequest):
    model_config = examples(ex.REFRESH)

    refresh_token: str = Field(max_length=256)


class CodeRequest(StrictRequest):
    model_config = examples(ex.TOTP_CODE, ex.RECOVERY_CODE)

    code: str = Field(max_length=64, examples=["492039"])


class RolesRequest(StrictRequest):
    model_config = examples(ex.ROLES)

    roles: list[str] = Field(max_length=10, examples=[["user", "admin"]])


class ApiKeyRequest(StrictRequest):
    model_config = examples(ex.NEW_API_KEY)

    name: str = Field(max_length=100, examples=["order-service"])
    scopes: list[str] = Field(max_length=20, examples=[["payments:write"]])


class UserOut(Response):
    model_config = examples(ex.USER)

    id: str = Field(examples=[ex.USER_ID])
    object: Literal["user"] = "user"
    email: str
    name: str | None
    roles: list[str]
    mfa_enabled: bool
    created_at: datetime


class TokenPairOut(Response):
    model_config = examples(ex.TOKEN_PAIR)

    access_token: str
    refresh_token: str
    token_type: Literal["Bearer"] = "Bearer"  # noqa: S105 (a scheme name)
    expires_in: int = Field(examples=[900])
    session_id: str


class SessionOut(Response):
    model_config = examples(ex.SESSION)

    id: str
    object: Literal["session"] = "session"
    created_at: datetime
    last_used_at: datetime
    user_agent: str | None
    ip: str | None
    current: bool


class TotpEnrolmentOut(Response):
    model_config = examples(ex.TOTP_ENROLMENT)

    secret: str
    otpauth_uri: str


class TotpVerifiedOut(Response):
    model_config = examples(ex.TOTP_VERIFIED)

    mfa_enabled: Literal[True] = True
    recovery_codes: list[str]


class ApiKeyOut(Response):
    model_config = examples(ex.API_KEY)

    id: str
    object: Literal["api_key"] = "api_key"
    name: str
    scopes: list[str]
    created_at: datetime
    last_used_at: datetime | None


class ApiKeyCreatedOut(ApiKeyOut):
    model_config = examples(ex.API_KEY_CREATED)

    key: str = Field(description="The secret. Shown once; store it now.")


class JwkOut(Response):
    kty: str
    crv: str
    x: str
    kid: str
    alg: str
    use: str


class JwksOut(Response):
    """The public keys that verify access tokens (RFC 7517)."""

    model_config = examples(ex.JWKS)

    keys: list[JwkOut]

"""The identity context's domain errors; each code is an API error code."""

from till.kernel.errors import DomainError, ValidationFailed


class InvalidEmail(ValidationFailed):
    def __init__(self, message: str = "email address is not valid") -> None:
        super().__init__(message, param="email")


class WeakPassword(ValidationFailed):
    def __init__(self, message: str) -> None:
        super().__init__(message, param="password")


class InvalidCredentials(DomainError):
    """One error for unknown email and wrong password (no account enumeration)."""

    code = "invalid_credentials"

    def __init__(self, message: str = "email or password is incorrect") -> None:
        super().__init__(message)


class InvalidMfaCode(DomainError):
    code = "invalid_credentials"

    def __init__(self) -> None:
        super().__init__("the code is wrong, expired or already used", param="code")


class Unauthenticated(DomainError):
    code = "unauthenticated"


class TokenExpired(DomainError):
    code = "token_expired"

    def __init__(self) -> None:
        super().__init__("the access token has expired")


class MfaRequired(DomainError):
    code = "mfa_required"

    def __init__(self) -> None:
        super().__init__("this action needs an admin token with a recent MFA step-up")


class RateLimited(DomainError):
    code = "rate_limited"

    def __init__(self, retry_after_seconds: int) -> None:
        super().__init__(f"too many attempts; retry in {retry_after_seconds} s")
        self.retry_after_seconds = retry_after_seconds


class RefreshTokenReused(Unauthenticated):
    """Raised after the session was revoked: that revocation must be committed."""

    commit_anyway = True

    def __init__(self) -> None:
        super().__init__("refresh token was already used; session revoked")


class UnknownSigningKey(Unauthenticated):
    """A token signed by a key this process has not loaded (yet): after a key
    rotation, reload the keyring and try once more."""

    def __init__(self) -> None:
        super().__init__("access token is not valid")

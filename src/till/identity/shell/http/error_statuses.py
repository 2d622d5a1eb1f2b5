"""The identity context's domain errors → HTTP status, in one table."""

from till.identity.core.errors import (
    InvalidCredentials,
    InvalidMfaCode,
    MfaRequired,
    RateLimited,
    TokenExpired,
    Unauthenticated,
)
from till.kernel.errors import (
    Conflict,
    DomainError,
    Forbidden,
    InvalidState,
    NotFound,
    ValidationFailed,
)

IDENTITY_ERROR_STATUS: dict[type[DomainError], int] = {
    ValidationFailed: 422,
    InvalidCredentials: 401,
    InvalidMfaCode: 401,
    Unauthenticated: 401,
    TokenExpired: 401,
    Forbidden: 403,
    MfaRequired: 403,
    NotFound: 404,
    Conflict: 409,
    InvalidState: 409,
    RateLimited: 429,
}

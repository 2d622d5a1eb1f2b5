"""Identity aggregates and value objects. Transitions return new instances."""

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from till.identity.core.email import Email
from till.kernel.errors import Conflict, ValidationFailed

ROLES = frozenset({"user", "admin"})
API_KEY_SCOPES = frozenset(
    {
        "payments:read",
        "payments:write",
        "refunds:write",
        "orders:read",
        "orders:write",
        "events:read",
        "reports:read",
    }
)


def validate_roles(roles: frozenset[str]) -> frozenset[str]:
    if not roles:
        raise ValidationFailed("at least one role is required", param="roles")
    unknown = roles - ROLES
    if unknown:
        raise ValidationFailed(f"unknown role {sorted(unknown)[0]!r}", param="roles")
    return roles


@dataclass(frozen=True, slots=True)
class User:
    id: str
    email: Email
    name: str | None
    password_hash: str
    roles: frozenset[str]
    created_at: datetime
    mfa_enabled: bool = False
    totp_secret: str | None = None
    totp_pending_secret: str | None = None
    totp_last_step: int = -1

    def __post_init__(self) -> None:
        validate_roles(self.roles)

    def with_roles(self, roles: frozenset[str]) -> "User":
        return replace(self, roles=validate_roles(roles))

    def with_password_hash(self, password_hash: str) -> "User":
        return replace(self, password_hash=password_hash)

    def begin_totp_enrolment(self, secret: str) -> "User":
        if self.mfa_enabled:
            raise Conflict("MFA is already enabled for this account")
        return replace(self, totp_pending_secret=secret)

    def activate_totp(self, step: int) -> "User":
        if self.totp_pending_secret is None:
            raise Conflict("no TOTP enrolment is pending; start one first")
        return replace(
            self,
            mfa_enabled=True,
            totp_secret=self.totp_pending_secret,
            totp_pending_secret=None,
            totp_last_step=step,
        )

    def accept_totp_step(self, step: int) -> "User":
        """Record the time step just used, so the same code cannot be replayed."""
        return replace(self, totp_last_step=step)


@dataclass(frozen=True, slots=True)
class Session:
    id: str
    user_id: str
    created_at: datetime
    last_used_at: datetime
    user_agent: str | None
    ip: str | None
    revoked_at: datetime | None = None

    @property
    def active(self) -> bool:
        return self.revoked_at is None


@dataclass(frozen=True, slots=True)
class RefreshGrant:
    """What a presented refresh token turned out to be."""

    session_id: str
    expires_at: datetime
    already_used: bool


@dataclass(frozen=True, slots=True)
class ApiKey:
    id: str
    name: str
    scopes: frozenset[str]
    key_hash: bytes
    created_by: str
    created_at: datetime
    last_used_at: datetime | None = None
    revoked_at: datetime | None = None

    def __post_init__(self) -> None:
        if not 1 <= len(self.name) <= 100:
            raise ValidationFailed("name must have 1 to 100 characters", param="name")
        if not self.scopes:
            raise ValidationFailed("at least one scope is required", param="scopes")
        unknown = self.scopes - API_KEY_SCOPES
        if unknown:
            raise ValidationFailed(
                f"unknown scope {sorted(unknown)[0]!r}", param="scopes"
            )


@dataclass(frozen=True, slots=True)
class AccessClaims:
    """The claims of an access token (RFC 9068 profile)."""

    subject: str
    session_id: str
    roles: frozenset[str]
    amr: tuple[str, ...]
    issued_at: datetime
    expires_at: datetime
    token_id: str


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is calling: a user (through a session) or a service (an API key)."""

    kind: str  # "user" or "service"
    id: str
    roles: frozenset[str] = frozenset()
    session_id: str | None = None
    amr: tuple[str, ...] = ()
    issued_at: datetime | None = None
    scopes: frozenset[str] = field(default_factory=frozenset)

    @property
    def is_user(self) -> bool:
        return self.kind == "user"

    def has_recent_mfa(self, now: datetime, max_age: timedelta) -> bool:
        return (
            "otp" in self.amr
            and self.issued_at is not None
            and now - self.issued_at <= max_age
        )


@dataclass(frozen=True, slots=True)
class TokenPair:
    access_token: str
    refresh_token: str
    expires_in: int
    session_id: str

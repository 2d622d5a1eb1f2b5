"""Ports of the identity context.

Driven ports are named for a capability; every one has an in-memory fake in
`tests/fakes/` and a real adapter in `shell/adapters/`. Repositories never commit:
the orchestrator that owns the unit of work does.
"""

from collections.abc import Container
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from till.identity.core.email import Email
from till.identity.core.models import (
    AccessClaims,
    ApiKey,
    Principal,
    RefreshGrant,
    Session,
    TokenPair,
    User,
)
from till.identity.core.throttle import ThrottlePolicy
from till.kernel.clock import Clock

if TYPE_CHECKING:
    from till.identity.core.use_cases.api_keys import NewApiKey
    from till.identity.core.use_cases.mfa import Enrolment

__all__ = ["Clock", "CommonPasswords"]

CommonPasswords = Container[str]


class UserRepository(Protocol):
    async def get(self, user_id: str) -> User | None: ...
    async def get_for_update(self, user_id: str) -> User | None:
        """Read and lock the row until the unit of work ends, so concurrent
        commands on one user run one after the other (no lost updates)."""

    async def by_email(self, email: Email) -> User | None: ...
    async def add(self, user: User) -> None:
        """Raises `Conflict` when the email is taken."""

    async def save(self, user: User) -> None:
        """Write back a user read with `get_for_update` in this unit of work."""

    async def set_password_hash(self, user_id: str, password_hash: str) -> None: ...


class SessionRepository(Protocol):
    async def add(self, session: Session) -> None: ...
    async def get(self, session_id: str) -> Session | None: ...
    async def for_user(self, user_id: str) -> list[Session]: ...
    async def touch(self, session_id: str, at: datetime) -> None: ...
    async def revoke(self, session_id: str, at: datetime) -> None: ...


class RefreshTokenRepository(Protocol):
    async def add(
        self,
        token_hash: bytes,
        session_id: str,
        created_at: datetime,
        expires: datetime,
    ) -> None: ...

    async def consume(self, token_hash: bytes, at: datetime) -> RefreshGrant | None:
        """Mark the token used; say what it was (None when unknown)."""

    async def retire_for_session(self, session_id: str, at: datetime) -> None:
        """Mark the session's unused tokens used: presenting one later counts as
        reuse (and revokes the session), as for any rotated token."""


class RecoveryCodeRepository(Protocol):
    async def replace(self, user_id: str, code_hashes: list[bytes]) -> None: ...
    async def consume(self, user_id: str, code_hash: bytes, at: datetime) -> bool: ...


class ApiKeyRepository(Protocol):
    async def add(self, key: ApiKey) -> None: ...
    async def get(self, key_id: str) -> ApiKey | None: ...
    async def by_hash(self, key_hash: bytes) -> ApiKey | None: ...
    async def list_active(self) -> list[ApiKey]: ...
    async def revoke(self, key_id: str, at: datetime) -> None: ...
    async def touch(self, key_id: str, at: datetime) -> None: ...


class IdentityStore(Protocol):
    """The repositories of one unit of work."""

    @property
    def users(self) -> UserRepository: ...
    @property
    def sessions(self) -> SessionRepository: ...
    @property
    def refresh_tokens(self) -> RefreshTokenRepository: ...
    @property
    def recovery_codes(self) -> RecoveryCodeRepository: ...
    @property
    def api_keys(self) -> ApiKeyRepository: ...


class PasswordHasher(Protocol):
    """Slow, salted hashing (argon2id). Async: the work runs off the event loop."""

    async def hash(self, password: str) -> str: ...
    async def verify(self, password_hash: str | None, password: str) -> bool:
        """False for a None hash, after the same work as a real check (timing)."""

    def needs_rehash(self, password_hash: str) -> bool: ...


class AccessTokenCodec(Protocol):
    """Signs and verifies access tokens; verify raises Unauthenticated/TokenExpired."""

    def issue(self, claims: AccessClaims) -> str: ...
    def verify(self, token: str, now: datetime) -> AccessClaims: ...


class LoginThrottle(Protocol):
    """Attempt counters per key (an account, an IP, a user's MFA) over a window."""

    async def retry_after(self, key: str, policy: ThrottlePolicy) -> int | None: ...
    async def reserve(self, key: str, policy: ThrottlePolicy) -> int | None:
        """Atomically: refuse (return the wait) when the key is backing off, else
        count this attempt. Concurrent guesses cannot all slip past the check."""

    async def record_failure(self, key: str, policy: ThrottlePolicy) -> None: ...
    async def reset(self, key: str) -> None: ...


class SessionRevocations(Protocol):
    """A fast check that a session was revoked, so its access tokens stop at once."""

    async def is_revoked(self, session_id: str) -> bool: ...
    async def mark_revoked(self, session_id: str) -> None: ...


@dataclass(frozen=True, slots=True)
class TokenPolicy:
    issuer: str = "till"
    access_ttl_seconds: int = 900
    refresh_ttl_seconds: int = 30 * 24 * 3600
    mfa_max_age_seconds: int = 600


class IdentityCommandPort(Protocol):
    """Driving port: every identity command (the HTTP layer and CLI call these)."""

    async def register(self, email: str, password: str, name: str | None) -> User: ...
    async def login(
        self, email: str, password: str, ip: str | None, user_agent: str | None
    ) -> TokenPair: ...
    async def refresh(self, refresh_token: str) -> TokenPair: ...
    async def revoke_session(self, user_id: str, session_id: str) -> None: ...
    async def begin_totp(self, user_id: str) -> "Enrolment": ...
    async def verify_totp(self, user_id: str, code: str) -> list[str]: ...
    async def mfa_challenge(
        self, user_id: str, session_id: str, code: str
    ) -> TokenPair: ...
    async def change_roles(self, user_id: str, roles: frozenset[str]) -> User: ...
    async def create_api_key(
        self, name: str, scopes: frozenset[str], created_by: str
    ) -> "NewApiKey": ...
    async def revoke_api_key(self, key_id: str) -> None: ...


class IdentityQueryPort(Protocol):
    """Driving port: identity reads, including who a bearer credential is."""

    async def authenticate(self, bearer: str) -> Principal: ...
    async def profile(self, user_id: str) -> User: ...
    async def sessions(self, user_id: str) -> list[Session]: ...
    async def api_keys(self) -> list[ApiKey]: ...
    def jwks(self) -> dict[str, list[dict[str, str]]]: ...

"""Fakes of the identity context's non-repository ports."""

import json
from datetime import UTC, datetime

from tests.fakes.clock import FixedClock
from till.identity.core.errors import TokenExpired, Unauthenticated
from till.identity.core.models import AccessClaims
from till.identity.core.throttle import ThrottlePolicy


class FakeHasher:
    """Reversible 'hashing' with a version tag, so rehash-on-login can be tested."""

    def __init__(self, version: str = "v1") -> None:
        self.version = version
        self.verify_calls = 0

    async def hash(self, password: str) -> str:
        return f"{self.version}${password[::-1]}"

    async def verify(self, password_hash: str | None, password: str) -> bool:
        self.verify_calls += 1
        if password_hash is None:
            return False
        return password_hash.split("$", 1)[1] == password[::-1]

    def needs_rehash(self, password_hash: str) -> bool:
        return not password_hash.startswith(self.version + "$")


class FakeTokenCodec:
    """Tokens are JSON; verification checks expiry against the given time."""

    def issue(self, claims: AccessClaims) -> str:
        return "fake." + json.dumps(
            {
                "sub": claims.subject,
                "sid": claims.session_id,
                "roles": sorted(claims.roles),
                "amr": list(claims.amr),
                "iat": claims.issued_at.timestamp(),
                "exp": claims.expires_at.timestamp(),
                "jti": claims.token_id,
            }
        )

    def verify(self, token: str, now: datetime) -> AccessClaims:
        if not token.startswith("fake."):
            raise Unauthenticated("bad token")
        raw = json.loads(token[5:])
        if raw["exp"] <= now.timestamp():
            raise TokenExpired()
        return AccessClaims(
            subject=raw["sub"],
            session_id=raw["sid"],
            roles=frozenset(raw["roles"]),
            amr=tuple(raw["amr"]),
            issued_at=datetime.fromtimestamp(raw["iat"], UTC),
            expires_at=datetime.fromtimestamp(raw["exp"], UTC),
            token_id=raw["jti"],
        )


class FakeThrottle:
    """Counters on the fake clock; a window of quiet forgets them, as in Redis."""

    def __init__(self, clock: FixedClock) -> None:
        self.clock = clock
        self.counters: dict[str, tuple[int, float]] = {}

    def _live(self, key: str, policy: ThrottlePolicy) -> tuple[int, float]:
        count, last = self.counters.get(key, (0, 0.0))
        if self.clock.now().timestamp() - last > policy.window_seconds:
            return 0, 0.0
        return count, last

    async def retry_after(self, key: str, policy: ThrottlePolicy) -> int | None:
        count, last = self._live(key, policy)
        return policy.retry_after(count, last, self.clock.now().timestamp())

    async def reserve(self, key: str, policy: ThrottlePolicy) -> int | None:
        wait = await self.retry_after(key, policy)
        if wait is None:
            await self.record_failure(key, policy)
        return wait

    async def record_failure(self, key: str, policy: ThrottlePolicy) -> None:
        count, _ = self._live(key, policy)
        self.counters[key] = (count + 1, self.clock.now().timestamp())

    async def reset(self, key: str) -> None:
        self.counters.pop(key, None)


class FakeRevocations:
    def __init__(self) -> None:
        self.revoked: set[str] = set()

    async def is_revoked(self, session_id: str) -> bool:
        return session_id in self.revoked

    async def mark_revoked(self, session_id: str) -> None:
        self.revoked.add(session_id)

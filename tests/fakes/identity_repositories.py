"""In-memory fakes of the identity repositories (dicts keyed by id)."""

from dataclasses import replace
from datetime import datetime

from till.identity.core.email import Email
from till.identity.core.models import ApiKey, RefreshGrant, Session, User
from till.kernel.errors import Conflict


class InMemoryUsers:
    def __init__(self) -> None:
        self.rows: dict[str, User] = {}

    async def get(self, user_id: str) -> User | None:
        return self.rows.get(user_id)

    async def get_for_update(self, user_id: str) -> User | None:
        return self.rows.get(user_id)  # one task at a time: nothing to lock

    async def by_email(self, email: Email) -> User | None:
        return next((u for u in self.rows.values() if u.email == email), None)

    async def add(self, user: User) -> None:
        if await self.by_email(user.email) is not None:
            raise Conflict("an account with this email already exists")
        self.rows[user.id] = user

    async def save(self, user: User) -> None:
        self.rows[user.id] = user

    async def set_password_hash(self, user_id: str, password_hash: str) -> None:
        self.rows[user_id] = replace(self.rows[user_id], password_hash=password_hash)


class InMemorySessions:
    def __init__(self) -> None:
        self.rows: dict[str, Session] = {}

    async def add(self, session: Session) -> None:
        self.rows[session.id] = session

    async def get(self, session_id: str) -> Session | None:
        return self.rows.get(session_id)

    async def for_user(self, user_id: str) -> list[Session]:
        mine = [s for s in self.rows.values() if s.user_id == user_id]
        return sorted(mine, key=lambda s: s.id, reverse=True)

    async def touch(self, session_id: str, at: datetime) -> None:
        self.rows[session_id] = replace(self.rows[session_id], last_used_at=at)

    async def revoke(self, session_id: str, at: datetime) -> None:
        self.rows[session_id] = replace(self.rows[session_id], revoked_at=at)


class InMemoryRefreshTokens:
    def __init__(self) -> None:
        # digest -> [session_id, expires, used_at]
        self.rows: dict[bytes, list[object]] = {}

    async def add(
        self,
        token_hash: bytes,
        session_id: str,
        created_at: datetime,
        expires: datetime,
    ) -> None:
        self.rows[token_hash] = [session_id, expires, None]

    async def consume(self, token_hash: bytes, at: datetime) -> RefreshGrant | None:
        row = self.rows.get(token_hash)
        if row is None:
            return None
        used = row[2] is not None
        row[2] = row[2] or at
        return RefreshGrant(str(row[0]), row[1], used)  # type: ignore[arg-type]

    async def retire_for_session(self, session_id: str, at: datetime) -> None:
        for row in self.rows.values():
            if row[0] == session_id and row[2] is None:
                row[2] = at


class InMemoryRecoveryCodes:
    def __init__(self) -> None:
        self.unused: dict[str, set[bytes]] = {}

    async def replace(self, user_id: str, code_hashes: list[bytes]) -> None:
        self.unused[user_id] = set(code_hashes)

    async def consume(self, user_id: str, code_hash: bytes, at: datetime) -> bool:
        codes = self.unused.get(user_id, set())
        if code_hash in codes:
            codes.remove(code_hash)
            return True
        return False


class InMemoryApiKeys:
    def __init__(self) -> None:
        self.rows: dict[str, ApiKey] = {}

    async def add(self, key: ApiKey) -> None:
        self.rows[key.id] = key

    async def get(self, key_id: str) -> ApiKey | None:
        return self.rows.get(key_id)

    async def by_hash(self, key_hash: bytes) -> ApiKey | None:
        return next((k for k in self.rows.values() if k.key_hash == key_hash), None)

    async def list_active(self) -> list[ApiKey]:
        return [k for k in self.rows.values() if k.revoked_at is None]

    async def revoke(self, key_id: str, at: datetime) -> None:
        self.rows[key_id] = replace(self.rows[key_id], revoked_at=at)

    async def touch(self, key_id: str, at: datetime) -> None:
        self.rows[key_id] = replace(self.rows[key_id], last_used_at=at)


class InMemoryIdentityStore:
    def __init__(self) -> None:
        self.users = InMemoryUsers()
        self.sessions = InMemorySessions()
        self.refresh_tokens = InMemoryRefreshTokens()
        self.recovery_codes = InMemoryRecoveryCodes()
        self.api_keys = InMemoryApiKeys()

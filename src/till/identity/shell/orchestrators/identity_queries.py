"""IdentityQueryPort: reads, and turning a bearer credential into a Principal."""

from collections.abc import Awaitable, Callable

from till.identity.core.errors import UnknownSigningKey
from till.identity.core.models import ApiKey, Principal, Session, User
from till.identity.core.ports import AccessTokenCodec, Clock, SessionRevocations
from till.identity.core.use_cases.authenticate import (
    authenticate_access_token,
    authenticate_api_key,
)
from till.identity.core.use_cases.profile import get_profile
from till.identity.core.use_cases.sessions import list_sessions
from till.identity.shell.orchestrators.unit_of_work import IdentityUnitOfWork

Jwks = dict[str, list[dict[str, str]]]


class IdentityQueries:
    def __init__(
        self,
        uow: IdentityUnitOfWork,
        codec: AccessTokenCodec,
        revocations: SessionRevocations,
        clock: Clock,
        jwks: Callable[[], Jwks],
        reload_keys: Callable[[], Awaitable[bool]],
    ) -> None:
        self.uow = uow
        self.codec = codec
        self.revocations = revocations
        self.clock = clock
        self._jwks = jwks
        self._reload_keys = reload_keys

    async def authenticate(self, bearer: str) -> Principal:
        if bearer.startswith("sk_"):
            async with self.uow() as store:
                return await authenticate_api_key(bearer, store.api_keys, self.clock)
        try:
            return await authenticate_access_token(
                bearer, self.codec, self.revocations, self.clock
            )
        except UnknownSigningKey:
            # Another process may sign with a key rotated in after our start.
            if not await self._reload_keys():
                raise
            return await authenticate_access_token(
                bearer, self.codec, self.revocations, self.clock
            )

    async def profile(self, user_id: str) -> User:
        async with self.uow.reader() as store:
            return await get_profile(user_id, store)

    async def sessions(self, user_id: str) -> list[Session]:
        async with self.uow.reader() as store:
            return await list_sessions(user_id, store)

    async def api_keys(self) -> list[ApiKey]:
        async with self.uow.reader() as store:
            return await store.api_keys.list_active()

    def jwks(self) -> Jwks:
        return self._jwks()

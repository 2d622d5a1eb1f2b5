"""IdentityCommandPort: each command is one use case in one unit of work."""

import asyncio
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import datetime

from till.identity.core.models import TokenPair, User
from till.identity.core.ports import (
    CommonPasswords,
    IdentityStore,
    LoginThrottle,
    PasswordHasher,
    SessionRevocations,
)
from till.identity.core.token_issuer import TokenIssuer
from till.identity.core.use_cases import api_keys, mfa, roles
from till.identity.core.use_cases.login import Login, login
from till.identity.core.use_cases.refresh import refresh
from till.identity.core.use_cases.register import Register, register
from till.identity.core.use_cases.sessions import revoke_session
from till.identity.shell.orchestrators.pending_revocations import (
    PendingRevocations,
    unit_with_revocations,
)
from till.identity.shell.orchestrators.unit_of_work import IdentityUnitOfWork
from till.kernel.errors import DomainError
from till.platform.metrics import LOGIN_ATTEMPTS
from till.platform.tracing import use_case


@dataclass(frozen=True, slots=True)
class Guards:
    throttle: LoginThrottle
    revocations: SessionRevocations
    common_passwords: CommonPasswords


class IdentityCommands:
    def __init__(
        self,
        uow: IdentityUnitOfWork,
        hasher: PasswordHasher,
        issuer: TokenIssuer,
        guards: Guards,
        credential_checks: int = 4,
    ) -> None:
        self.uow = uow
        self.hasher = hasher
        self.issuer = issuer
        self.guards = guards
        # Password hashing (~20 ms each) runs inside the unit of work, which holds
        # a pooled connection. Bounding the commands that hash, *before* they take
        # a connection, keeps a flood of logins from draining the pool that every
        # other request needs; the excess waits here, holding nothing.
        self._credential_slots = asyncio.Semaphore(credential_checks)

    @use_case("identity.register")
    async def register(
        self, email: str, password: str, name: str | None, admin: bool = False
    ) -> User:
        cmd = Register(email=email, password=password, name=name, admin=admin)
        async with self._credential_slots, self.uow() as store:
            return await register(
                cmd, store, self.hasher, self.guards.common_passwords, self.issuer.clock
            )

    @use_case("identity.login")
    async def login(
        self, email: str, password: str, ip: str | None, user_agent: str | None
    ) -> TokenPair:
        cmd = Login(email=email, password=password, ip=ip, user_agent=user_agent)
        try:
            async with self._credential_slots, self.uow() as store:
                pair = await login(
                    cmd, store, self.hasher, self.issuer, self.guards.throttle
                )
        except DomainError as refused:  # invalid_credentials, rate_limited, ...
            LOGIN_ATTEMPTS.labels(refused.code).inc()
            raise
        LOGIN_ATTEMPTS.labels("succeeded").inc()  # counted once committed
        return pair

    @use_case("identity.refresh")
    async def refresh(self, refresh_token: str) -> TokenPair:
        async with self._unit_with_revocations() as (store, revocations):
            return await refresh(refresh_token, store, self.issuer, revocations)

    async def revoke_session(self, user_id: str, session_id: str) -> None:
        async with self._unit_with_revocations() as (store, revocations):
            await revoke_session(user_id, session_id, store, revocations, self._now())

    async def begin_totp(self, user_id: str) -> mfa.Enrolment:
        async with self.uow() as store:
            return await mfa.begin_totp_enrolment(
                user_id, store, self.issuer.policy.issuer
            )

    async def verify_totp(self, user_id: str, code: str) -> list[str]:
        async with self.uow() as store:
            return await mfa.verify_totp_enrolment(
                user_id, code, store, self.issuer, self.guards.throttle
            )

    async def mfa_challenge(
        self, user_id: str, session_id: str, code: str
    ) -> TokenPair:
        async with self.uow() as store:
            return await mfa.mfa_challenge(
                user_id, session_id, code, store, self.issuer, self.guards.throttle
            )

    async def change_roles(self, user_id: str, new_roles: frozenset[str]) -> User:
        async with self._unit_with_revocations() as (store, revocations):
            return await roles.change_roles(
                user_id, new_roles, store, revocations, self._now()
            )

    async def create_api_key(
        self, name: str, scopes: frozenset[str], created_by: str
    ) -> api_keys.NewApiKey:
        cmd = api_keys.CreateApiKey(name=name, scopes=scopes, created_by=created_by)
        async with self.uow() as store:
            return await api_keys.create_api_key(cmd, store, self._now())

    async def revoke_api_key(self, key_id: str) -> None:
        async with self.uow() as store:
            await api_keys.revoke_api_key(key_id, store, self._now())

    def _unit_with_revocations(
        self,
    ) -> AbstractAsyncContextManager[tuple[IdentityStore, PendingRevocations]]:
        return unit_with_revocations(self.uow, self.guards.revocations)

    def _now(self) -> datetime:
        return self.issuer.clock.now()

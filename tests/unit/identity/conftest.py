from dataclasses import dataclass

import pytest

from tests.fakes.clock import FixedClock
from tests.fakes.identity_repositories import InMemoryIdentityStore
from tests.fakes.identity_services import (
    FakeHasher,
    FakeRevocations,
    FakeThrottle,
    FakeTokenCodec,
)
from till.identity.core.ports import TokenPolicy
from till.identity.core.token_issuer import TokenIssuer
from till.identity.core.use_cases.login import Login, login
from till.identity.core.use_cases.mfa import mfa_challenge, verify_totp_enrolment
from till.identity.core.use_cases.register import Register, register
from till.identity.core.use_cases.roles import change_roles

COMMON = frozenset({"password1234", "qwertyuiop12"})
PASSWORD = "correct horse battery"  # pragma: allowlist secret


@dataclass
class World:
    store: InMemoryIdentityStore
    clock: FixedClock
    hasher: FakeHasher
    codec: FakeTokenCodec
    issuer: TokenIssuer
    throttle: FakeThrottle
    revocations: FakeRevocations

    async def register(self, email: str = "ada@example.com", admin: bool = False):
        cmd = Register(email=email, password=PASSWORD, name="Ada", admin=admin)
        return await register(cmd, self.store, self.hasher, COMMON, self.clock)

    async def login(self, email: str = "ada@example.com", password: str = PASSWORD):
        cmd = Login(email=email, password=password, ip="10.0.0.1", user_agent="t")
        return await login(cmd, self.store, self.hasher, self.issuer, self.throttle)

    async def verify_totp(self, user_id: str, code: str) -> list[str]:
        return await verify_totp_enrolment(
            user_id, code, self.store, self.issuer, self.throttle
        )

    async def challenge(self, user_id: str, session_id: str, code: str):
        return await mfa_challenge(
            user_id, session_id, code, self.store, self.issuer, self.throttle
        )

    async def change_roles(self, user_id: str, roles: set[str]):
        return await change_roles(
            user_id, frozenset(roles), self.store, self.revocations, self.clock.now()
        )


@pytest.fixture
def world() -> World:
    clock = FixedClock()
    codec = FakeTokenCodec()
    return World(
        store=InMemoryIdentityStore(),
        clock=clock,
        hasher=FakeHasher(),
        codec=codec,
        issuer=TokenIssuer(codec, clock, TokenPolicy()),
        throttle=FakeThrottle(clock),
        revocations=FakeRevocations(),
    )

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
from till.identity.core.use_cases.register import Register, register

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

"""Each context's caller port over identity's driving port (in process): the
same facts of the authenticated principal, handed to the context's own Caller
type (contexts never import identity, nor each other)."""

from collections.abc import Callable
from datetime import timedelta
from typing import Generic, TypeVar

from till.identity.core.ports import IdentityQueryPort
from till.kernel.clock import Clock

C = TypeVar("C")
# kind, id, admin, recent MFA, scopes → the context's Caller
MakeCaller = Callable[[str, str, bool, bool, frozenset[str]], C]


class IdentityCallers(Generic[C]):
    def __init__(
        self,
        identity: IdentityQueryPort,
        clock: Clock,
        mfa_max_age_seconds: int,
        make: MakeCaller[C],
    ) -> None:
        self.identity = identity
        self.clock = clock
        self.mfa_max_age = timedelta(seconds=mfa_max_age_seconds)
        self.make = make

    async def caller_for(self, token: str) -> C:
        principal = await self.identity.authenticate(token)
        return self.make(
            principal.kind,
            principal.id,
            "admin" in principal.roles,
            principal.has_recent_mfa(self.clock.now(), self.mfa_max_age),
            principal.scopes,
        )

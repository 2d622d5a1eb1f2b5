"""Revocation marks are sent after the commit that revoked the session, never
before: a rolled-back command tells no one, and a process that reloads the
revoked sessions from the database cannot miss a mark sent before it looked."""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from till.identity.core.ports import IdentityStore, SessionRevocations
from till.identity.shell.orchestrators.unit_of_work import IdentityUnitOfWork
from till.kernel.errors import keeps_writes


class PendingRevocations:
    """A SessionRevocations that holds marks until `flush()`."""

    def __init__(self, target: SessionRevocations) -> None:
        self._target = target
        self._pending: list[str] = []

    async def is_revoked(self, session_id: str) -> bool:
        return await self._target.is_revoked(session_id)

    async def mark_revoked(self, session_id: str) -> None:
        self._pending.append(session_id)

    async def flush(self) -> None:
        pending, self._pending = self._pending, []
        for session_id in pending:
            await self._target.mark_revoked(session_id)


@asynccontextmanager
async def unit_with_revocations(
    uow: IdentityUnitOfWork, revocations: SessionRevocations
) -> AsyncIterator[tuple[IdentityStore, PendingRevocations]]:
    """One unit of work whose revocation marks are sent once it has committed
    (also when it failed with an error whose writes are kept)."""
    pending = PendingRevocations(revocations)
    try:
        async with uow() as store:
            yield store, pending
    except BaseException as error:
        if keeps_writes(error):
            await asyncio.shield(pending.flush())
        raise
    # Committed: a client that goes away now must not stop the marks going out.
    await asyncio.shield(pending.flush())

"""The unit-of-work port of the shell: one transaction per command."""

from contextlib import AbstractAsyncContextManager
from typing import Protocol

from till.identity.core.ports import IdentityStore


class IdentityUnitOfWork(Protocol):
    def __call__(self) -> AbstractAsyncContextManager[IdentityStore]:
        """A store whose writes commit together when the block ends (or roll back
        when it raises, unless the error says its writes must be kept)."""

    def reader(self) -> AbstractAsyncContextManager[IdentityStore]:
        """A store for reads only (no transaction round trips)."""

"""Revocation marks leave only after the unit of work committed."""

from contextlib import asynccontextmanager

import pytest

from tests.fakes.identity_repositories import InMemoryIdentityStore
from tests.fakes.identity_services import FakeRevocations
from till.identity.core.errors import RefreshTokenReused
from till.identity.shell.orchestrators.pending_revocations import (
    unit_with_revocations,
)


class RecordingUnitOfWork:
    def __init__(self) -> None:
        self.store = InMemoryIdentityStore()
        self.events: list[str] = []

    @asynccontextmanager
    async def __call__(self):
        try:
            yield self.store
        except RefreshTokenReused:
            self.events.append("commit")  # an error whose writes are kept
            raise
        except BaseException:
            self.events.append("rollback")
            raise
        self.events.append("commit")


class RecordingRevocations(FakeRevocations):
    def __init__(self, events: list[str]) -> None:
        super().__init__()
        self.events = events

    async def mark_revoked(self, session_id: str) -> None:
        self.events.append(f"mark:{session_id}")
        await super().mark_revoked(session_id)

    def reader(self):  # not used here
        raise NotImplementedError


async def test_marks_are_sent_after_the_commit():
    uow = RecordingUnitOfWork()
    target = RecordingRevocations(uow.events)
    async with unit_with_revocations(uow, target) as (_, revocations):
        await revocations.mark_revoked("ses_1")
        assert target.revoked == set()  # held back inside the unit of work
    assert uow.events == ["commit", "mark:ses_1"]


async def test_marks_of_a_failed_command_are_never_sent():
    uow, target = RecordingUnitOfWork(), FakeRevocations()
    with pytest.raises(ValueError):
        async with unit_with_revocations(uow, target) as (_, revocations):
            await revocations.mark_revoked("ses_1")
            raise ValueError("boom")
    assert target.revoked == set()


async def test_marks_of_an_error_whose_writes_are_kept_are_sent_after_commit():
    uow = RecordingUnitOfWork()
    target = RecordingRevocations(uow.events)
    with pytest.raises(RefreshTokenReused):
        async with unit_with_revocations(uow, target) as (_, revocations):
            await revocations.mark_revoked("ses_1")
            raise RefreshTokenReused()
    assert uow.events == ["commit", "mark:ses_1"]

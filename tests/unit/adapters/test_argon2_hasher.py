"""The argon2id adapter, with tiny parameters so each test stays fast (the real
ones cost ~20 ms a hash; their cost is measured in bench/, not here)."""

import pytest

from till.identity.shell.adapters.argon2_hasher import Argon2PasswordHasher

PASSWORD = "correct horse battery"  # pragma: allowlist secret


@pytest.fixture
def hasher():
    made = Argon2PasswordHasher(memory_kib=64, time_cost=1, parallelism=1, workers=1)
    yield made
    made.close()


async def test_a_hash_verifies_its_password_and_no_other(hasher):
    stored = await hasher.hash(PASSWORD)
    assert stored.startswith("$argon2id$") and PASSWORD not in stored
    assert await hasher.verify(stored, PASSWORD)
    assert not await hasher.verify(stored, PASSWORD + "!")


async def test_two_hashes_of_one_password_differ_by_their_salt(hasher):
    assert await hasher.hash(PASSWORD) != await hasher.hash(PASSWORD)


async def test_no_stored_hash_never_verifies(hasher):
    # the unknown-email path: the dummy hash is checked, the answer is still no
    assert not await hasher.verify(None, "till-dummy-password-for-timing")


async def test_a_malformed_stored_hash_does_not_verify(hasher):
    assert not await hasher.verify("not-an-argon2-hash", PASSWORD)


async def test_hash_made_with_other_parameters_needs_rehash(hasher):
    stronger = Argon2PasswordHasher(
        memory_kib=128, time_cost=2, parallelism=1, workers=1
    )
    try:
        old = await hasher.hash(PASSWORD)
        assert stronger.needs_rehash(old)
        assert not hasher.needs_rehash(old)
        assert await stronger.verify(old, PASSWORD)  # still verifies meanwhile
    finally:
        stronger.close()

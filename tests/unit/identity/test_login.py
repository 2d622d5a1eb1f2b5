import pytest

from tests.fakes.identity_services import FakeHasher
from tests.unit.identity.conftest import PASSWORD
from till.identity.core.errors import InvalidCredentials, InvalidEmail, RateLimited
from till.identity.core.use_cases.login import Login, login

WRONG = "not the password"  # pragma: allowlist secret
SHORT = "pass123"  # pragma: allowlist secret


async def test_login_fails_with_invalid_email(world):
    with pytest.raises(InvalidEmail):
        await world.login(email="invalid-email", password=SHORT)


async def test_login_returns_a_token_pair_and_opens_a_session(world):
    user = await world.register()
    pair = await world.login()
    claims = world.codec.verify(pair.access_token, world.clock.now())
    assert claims.subject == user.id
    assert claims.session_id == pair.session_id
    assert claims.amr == ("pwd",)
    assert pair.expires_in == 900
    session = await world.store.sessions.get(pair.session_id)
    assert (
        session is not None and session.user_agent == "t" and session.ip == "10.0.0.1"
    )


async def test_login_with_wrong_password_is_invalid_credentials(world):
    await world.register()
    with pytest.raises(InvalidCredentials):
        await world.login(password=WRONG)


async def test_login_with_unknown_email_fails_like_a_wrong_password(world):
    await world.register()
    with pytest.raises(InvalidCredentials) as unknown:
        await world.login(email="nobody@example.com")
    with pytest.raises(InvalidCredentials) as wrong:
        await world.login(password=WRONG)
    assert unknown.value.message == wrong.value.message
    # both paths ran a hash verification (similar timing)
    assert world.hasher.verify_calls == 2


async def test_sixth_failure_in_window_is_throttled(world):
    await world.register()
    for _ in range(5):
        with pytest.raises(InvalidCredentials):
            await world.login(password=WRONG)
    with pytest.raises(RateLimited) as error:
        await world.login()
    assert error.value.retry_after_seconds == 30


async def test_throttled_account_can_log_in_after_the_back_off(world):
    await world.register()
    for _ in range(5):
        with pytest.raises(InvalidCredentials):
            await world.login(password=WRONG)
    world.clock.advance(31)
    pair = await world.login()
    assert pair.session_id.startswith("ses_")


async def test_successful_login_resets_the_account_counter(world):
    await world.register()
    for _ in range(4):
        with pytest.raises(InvalidCredentials):
            await world.login(password=WRONG)
    await world.login()
    with pytest.raises(InvalidCredentials):
        await world.login(password=WRONG)  # counts from zero again


async def test_unknown_emails_are_throttled_too(world):
    for _ in range(5):
        with pytest.raises(InvalidCredentials):
            await world.login(email="ghost@example.com")
    with pytest.raises(RateLimited):
        await world.login(email="ghost@example.com")


async def test_login_rehashes_a_password_hashed_with_old_parameters(world):
    user = await world.register()
    world.hasher = FakeHasher(version="v2")
    cmd = Login(email="ada@example.com", password=PASSWORD)
    await login(cmd, world.store, world.hasher, world.issuer, world.throttle)
    stored = await world.store.users.get(user.id)
    assert stored is not None and stored.password_hash.startswith("v2$")


async def test_each_login_opens_its_own_session(world):
    await world.register()
    first = await world.login()
    second = await world.login()
    assert first.session_id != second.session_id


async def test_concurrent_wrong_guesses_cannot_exceed_the_free_attempts(world):
    import asyncio

    await world.register()

    async def guess():
        try:
            await world.login(password=WRONG)
        except (InvalidCredentials, RateLimited) as error:
            return type(error)

    outcomes = await asyncio.gather(*(guess() for _ in range(8)))
    assert outcomes.count(InvalidCredentials) == 5
    assert outcomes.count(RateLimited) == 3


async def test_attempts_during_a_back_off_are_not_counted(world):
    await world.register()
    for _ in range(5):
        with pytest.raises(InvalidCredentials):
            await world.login(password=WRONG)
    for _ in range(3):
        with pytest.raises(RateLimited):
            await world.login(password=WRONG)
    world.clock.advance(31)  # the first back-off (30 s) is over, not a longer one
    assert (await world.login()).session_id.startswith("ses_")

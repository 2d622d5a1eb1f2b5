import pytest

from till.identity.core.errors import InvalidMfaCode
from till.identity.core.totp import time_step, totp_code
from till.identity.core.use_cases.mfa import begin_totp_enrolment
from till.kernel.errors import Conflict, Forbidden


async def _enrolled(world):
    """A user with TOTP on; returns (user, session pair, secret, recovery codes)."""
    user = await world.register()
    pair = await world.login()
    enrolment = await begin_totp_enrolment(user.id, world.store, "till")
    code = totp_code(enrolment.secret, time_step(world.clock.now()))
    codes = await world.verify_totp(user.id, code)
    world.clock.advance(30)  # the next code is a new time step
    return user, pair, enrolment.secret, codes


def _current_code(world, secret):
    return totp_code(secret, time_step(world.clock.now()))


async def test_enrolment_is_pending_until_verified(world):
    user = await world.register()
    enrolment = await begin_totp_enrolment(user.id, world.store, "till")
    stored = await world.store.users.get(user.id)
    assert stored is not None and not stored.mfa_enabled
    assert enrolment.otpauth_uri.startswith("otpauth://totp/")
    assert stored.totp_pending_secret == enrolment.secret


async def test_verifying_with_the_right_code_enables_mfa_and_gives_ten_codes(world):
    user, _, _, codes = await _enrolled(world)
    stored = await world.store.users.get(user.id)
    assert stored is not None and stored.mfa_enabled
    assert len(codes) == 10 and len(set(codes)) == 10


async def test_verifying_with_a_wrong_code_leaves_mfa_off(world):
    user = await world.register()
    await begin_totp_enrolment(user.id, world.store, "till")
    with pytest.raises(InvalidMfaCode):
        await world.verify_totp(user.id, "000000")
    stored = await world.store.users.get(user.id)
    assert stored is not None and not stored.mfa_enabled


async def test_verifying_without_an_enrolment_is_a_conflict(world):
    user = await world.register()
    with pytest.raises(Conflict):
        await world.verify_totp(user.id, "123456")


async def test_enrolling_again_with_mfa_on_is_a_conflict(world):
    user, *_ = await _enrolled(world)
    with pytest.raises(Conflict):
        await begin_totp_enrolment(user.id, world.store, "till")


async def test_challenge_issues_a_token_with_otp_in_amr(world):
    user, pair, secret, _ = await _enrolled(world)
    code = _current_code(world, secret)
    stepped = await world.challenge(user.id, pair.session_id, code)
    claims = world.codec.verify(stepped.access_token, world.clock.now())
    assert claims.amr == ("pwd", "otp")
    assert stepped.session_id == pair.session_id


async def test_replayed_code_in_the_same_window_is_rejected(world):
    user, pair, secret, _ = await _enrolled(world)
    code = _current_code(world, secret)
    await world.challenge(user.id, pair.session_id, code)
    with pytest.raises(InvalidMfaCode):
        await world.challenge(user.id, pair.session_id, code)


async def test_recovery_code_works_once(world):
    user, pair, _, codes = await _enrolled(world)
    await world.challenge(user.id, pair.session_id, codes[0])
    with pytest.raises(InvalidMfaCode):
        await world.challenge(user.id, pair.session_id, codes[0])


async def test_recovery_code_is_accepted_in_upper_case_with_spaces(world):
    user, pair, _, codes = await _enrolled(world)
    messy = f"  {codes[1].upper()} "
    stepped = await world.challenge(user.id, pair.session_id, messy)
    assert stepped.session_id == pair.session_id


async def test_challenge_without_mfa_is_forbidden(world):
    user = await world.register()
    pair = await world.login()
    with pytest.raises(Forbidden):
        await world.challenge(user.id, pair.session_id, "123456")


async def test_refresh_token_retired_by_a_step_up_counts_as_reuse(world):
    from till.identity.core.errors import RefreshTokenReused
    from till.identity.core.use_cases.refresh import refresh

    user, pair, secret, _ = await _enrolled(world)
    code = _current_code(world, secret)
    await world.challenge(user.id, pair.session_id, code)
    with pytest.raises(RefreshTokenReused):
        await refresh(pair.refresh_token, world.store, world.issuer, world.revocations)
    assert world.revocations.revoked == {pair.session_id}


async def test_wrong_codes_are_throttled_per_account(world):
    from till.identity.core.errors import RateLimited

    user, pair, _, _ = await _enrolled(world)
    for _ in range(5):
        with pytest.raises(InvalidMfaCode):
            await world.challenge(user.id, pair.session_id, "000000")
    with pytest.raises(RateLimited):
        await world.challenge(user.id, pair.session_id, "000000")


async def test_a_right_code_resets_the_mfa_counter(world):
    user, pair, secret, _ = await _enrolled(world)
    for _ in range(4):
        with pytest.raises(InvalidMfaCode):
            await world.challenge(user.id, pair.session_id, "000000")
    await world.challenge(user.id, pair.session_id, _current_code(world, secret))
    with pytest.raises(InvalidMfaCode):  # counted from zero again, not throttled
        await world.challenge(user.id, pair.session_id, "000000")


async def test_enrolment_guesses_are_throttled_too(world):
    from till.identity.core.errors import RateLimited

    user = await world.register()
    await begin_totp_enrolment(user.id, world.store, "till")
    for _ in range(5):
        with pytest.raises(InvalidMfaCode):
            await world.verify_totp(user.id, "000000")
    with pytest.raises(RateLimited):
        await world.verify_totp(user.id, "000000")

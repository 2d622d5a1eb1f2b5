"""Properties of the pure core over many generated inputs (hypothesis). Examples
are kept few enough that each test stays well under the 100 ms unit budget."""

from datetime import UTC, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from till.identity.core.email import Email
from till.identity.core.errors import InvalidEmail
from till.identity.core.throttle import ThrottlePolicy
from till.identity.core.totp import matching_step, new_totp_secret, time_step, totp_code
from till.kernel.ids import is_id_of, new_id

# Few examples: each test must stay under the 100 ms unit budget even when
# coverage tracing slows it several times (as in make test).
FAST = settings(max_examples=12, deadline=None, database=None)
moments = st.datetimes(
    min_value=datetime(2000, 1, 1),
    max_value=datetime(2100, 1, 1),
    timezones=st.just(UTC),
)
# Built from a small alphabet by hand: hypothesis' text strategy is slow to
# warm up under coverage, and each test must stay under 100 ms.
local_parts = st.lists(
    st.sampled_from("abcdefghijklmnopqrstuvwxyz0123456789._+-"), min_size=1, max_size=16
).map("".join)


@FAST
@given(moments)
def test_the_code_of_any_moment_matches_that_moment_and_not_a_later_use(at):
    secret = new_totp_secret()
    code = totp_code(secret, time_step(at))
    step = matching_step(secret, code, at, after_step=-1)
    assert step == time_step(at)
    assert matching_step(secret, code, at, after_step=step) is None


@FAST
@given(moments, st.integers(min_value=2, max_value=10_000))
def test_a_code_older_than_the_window_never_matches(at, steps_back):
    secret = new_totp_secret()
    old = totp_code(secret, time_step(at) - steps_back)
    found = matching_step(secret, old, at, after_step=-1)
    # a different step may share the 6 digits by chance; never the old step itself
    assert found != time_step(at) - steps_back


@FAST
@given(st.integers(min_value=0, max_value=10_000))
def test_back_off_never_shrinks_and_never_exceeds_the_cap(failures):
    policy = ThrottlePolicy()
    now = policy.lockout_seconds(failures)
    assert policy.lockout_seconds(failures + 1) >= now
    assert 0 <= now <= policy.max_delay_seconds


@FAST
@given(st.integers(min_value=0, max_value=100), st.floats(min_value=0, max_value=10**6))
def test_once_the_lockout_has_passed_an_attempt_is_allowed(failures, last):
    policy = ThrottlePolicy()
    later = last + policy.lockout_seconds(failures)
    assert policy.retry_after(failures, last, later) is None


@FAST
@given(local_parts, st.sampled_from(["example.com", "Shop.EXAMPLE.org", "a.b.co"]))
def test_email_normalisation_is_idempotent_and_lower_case(local, domain):
    raw = f"  {local.upper()}@{domain} "
    email = Email(raw)
    assert Email(email.value) == email
    assert email.value == email.value.lower().strip()


@FAST
@given(st.lists(st.sampled_from("ab.-_ 1é\t"), max_size=40).map("".join))
def test_text_without_an_at_sign_is_never_an_email(text):
    try:
        Email(text)
    except InvalidEmail:
        return
    raise AssertionError(f"{text!r} was accepted")


@FAST
@given(st.lists(st.integers(min_value=0, max_value=2**47), min_size=2, max_size=8))
def test_ids_sort_like_their_timestamps(millis):
    ordered = sorted(set(millis))
    ids = [new_id("evt", now_ms=ms) for ms in ordered]
    assert ids == sorted(ids)
    assert all(is_id_of("evt", value) for value in ids)


@FAST
@given(moments, st.integers(min_value=-1, max_value=1))
def test_codes_of_neighbouring_steps_are_accepted_for_clock_drift(at, drift):
    secret = new_totp_secret()
    code = totp_code(secret, time_step(at) + drift)
    assert matching_step(secret, code, at, after_step=-1) is not None

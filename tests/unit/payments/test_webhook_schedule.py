"""The webhook retry schedule of issue 4, with jitter, and when to give up."""

import random
from datetime import UTC, datetime, timedelta

from till.payments.core.webhook_schedule import (
    delivered,
    endpoint_gone,
    next_attempt,
)

T0 = datetime(2026, 1, 1, tzinfo=UTC)


class NoJitter(random.Random):
    def random(self) -> float:
        return 0.0


def test_the_schedule_steps_then_goes_daily_and_gives_up_after_three_days():
    waits = []
    at, attempts = T0, 0
    while True:
        attempts += 1
        following = next_attempt(attempts, T0, at, NoJitter())
        if following is None:
            break
        waits.append(following - at)
        at = following
    assert waits[:6] == [
        timedelta(seconds=5),
        timedelta(minutes=5),
        timedelta(minutes=30),
        timedelta(hours=2),
        timedelta(hours=5),
        timedelta(hours=10),
    ]
    assert set(waits[6:]) == {timedelta(days=1)} and at - T0 <= timedelta(days=3)


def test_jitter_adds_at_most_a_tenth():
    at = next_attempt(2, T0, T0, random.Random(7))
    assert at is not None
    assert timedelta(minutes=5) <= at - T0 <= timedelta(minutes=5.5)


def test_status_codes():
    assert delivered(200) and delivered(204) and not delivered(301)
    assert endpoint_gone(410) and not endpoint_gone(404)

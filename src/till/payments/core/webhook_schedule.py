"""When a failed webhook delivery is tried again (issue 4): 5 s, 5 min, 30 min,
2 h, 5 h, 10 h, then daily until 3 days have passed since the first attempt,
each with up to 10 % jitter so endpoints that failed together are not all
retried at the same instant. A 410 Gone disables the endpoint."""

import random
from datetime import datetime, timedelta

STEPS = [
    timedelta(seconds=5),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=5),
    timedelta(hours=10),
]
DAILY = timedelta(days=1)
GIVE_UP_AFTER = timedelta(days=3)


def next_attempt(
    attempts: int, first_attempt: datetime, now: datetime, jitter: random.Random
) -> datetime | None:
    """After `attempts` failed attempts, when to try again (None: give up)."""
    wait = STEPS[attempts - 1] if attempts <= len(STEPS) else DAILY
    at = now + wait + wait * (0.1 * jitter.random())
    return None if at - first_attempt > GIVE_UP_AFTER else at


def delivered(status: int) -> bool:
    return 200 <= status < 300


def endpoint_gone(status: int) -> bool:
    return status == 410

"""Retries wait longer each time, up to a cap."""

from till.platform.rabbit_worker import exponential


def test_the_back_off_grows_by_four_and_stops_at_ten_minutes():
    assert [exponential(a) for a in (1, 2, 3, 4)] == [1.0, 4.0, 16.0, 64.0]
    assert exponential(20) == 600.0

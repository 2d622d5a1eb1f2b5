from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from tests.unit.migration.legacy_rows import BERLIN
from till.migration.core.legacy_errors import UnmappableLegacyValue
from till.migration.core.legacy_time import (
    is_ambiguous_local,
    is_missing_local,
    legacy_local_from_utc,
    utc_from_legacy_local,
)


def test_summer_and_winter_readings_use_their_own_offsets() -> None:
    summer = datetime(2026, 6, 1, 14, 3, 0)
    winter = datetime(2026, 1, 10, 9, 0, 0)
    assert utc_from_legacy_local(summer, BERLIN) == datetime(
        2026, 6, 1, 12, 3, tzinfo=UTC
    )
    assert utc_from_legacy_local(winter, BERLIN) == datetime(2026, 1, 10, 8, tzinfo=UTC)


def test_utc_becomes_the_naive_wall_clock_reading_floored_to_the_second() -> None:
    instant = datetime(2026, 6, 1, 12, 3, 0, 999_999, tzinfo=UTC)
    assert legacy_local_from_utc(instant, BERLIN) == datetime(2026, 6, 1, 14, 3, 0)


def test_the_repeated_autumn_hour_reads_as_its_first_occurrence() -> None:
    local = datetime(2026, 10, 25, 2, 30)
    assert is_ambiguous_local(local, BERLIN)
    assert utc_from_legacy_local(local, BERLIN) == datetime(
        2026, 10, 25, 0, 30, tzinfo=UTC
    )
    second_occurrence = datetime(2026, 10, 25, 1, 30, tzinfo=UTC)
    assert legacy_local_from_utc(second_occurrence, BERLIN) == local


def test_the_skipped_spring_hour_reads_with_the_winter_offset() -> None:
    local = datetime(2026, 3, 29, 2, 30)
    assert is_missing_local(local, BERLIN)
    assert not is_ambiguous_local(local, BERLIN)
    instant = utc_from_legacy_local(local, BERLIN)
    assert instant == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)
    assert legacy_local_from_utc(instant, BERLIN) == datetime(2026, 3, 29, 3, 30)


def test_ordinary_hours_are_neither_ambiguous_nor_missing() -> None:
    local = datetime(2026, 10, 25, 4, 0)
    assert not is_ambiguous_local(local, BERLIN)
    assert not is_missing_local(local, BERLIN)


def test_naive_new_side_times_and_aware_legacy_times_are_refused() -> None:
    with pytest.raises(UnmappableLegacyValue):
        legacy_local_from_utc(datetime(2026, 1, 1), BERLIN)
    with pytest.raises(UnmappableLegacyValue):
        utc_from_legacy_local(datetime(2026, 1, 1, tzinfo=UTC), BERLIN)


@settings(max_examples=25, deadline=None, database=None)
@given(
    st.datetimes(
        min_value=datetime(2000, 1, 1),
        max_value=datetime(2060, 1, 1),
        timezones=st.just(UTC),
    )
)
def test_utc_survives_the_trip_through_local_time_outside_the_fold(
    instant: datetime,
) -> None:
    local = legacy_local_from_utc(instant, BERLIN)
    assume(not is_ambiguous_local(local, BERLIN))
    assert utc_from_legacy_local(local, BERLIN) == instant.replace(microsecond=0)


@settings(max_examples=25, deadline=None, database=None)
@given(st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2060, 1, 1)))
def test_local_readings_outside_the_gap_survive_the_trip_through_utc(
    local: datetime,
) -> None:
    local = local.replace(microsecond=0)
    assume(not is_missing_local(local, BERLIN))
    instant = utc_from_legacy_local(local, BERLIN)
    assert legacy_local_from_utc(instant, BERLIN) == local
    assert instant - legacy_local_from_utc(instant, BERLIN).replace(tzinfo=UTC) in (
        timedelta(hours=-1),
        timedelta(hours=-2),
    )

"""Legacy timestamps (naive wall-clock time of LEGACY_TZ, to the second) ↔
aware UTC.

UTC → legacy local is a function: every instant has one wall-clock reading.
Legacy local → UTC is not, twice a year:
- the hour repeated when summer time ends (Berlin: 02:00–02:59 on the last
  Sunday of October) is ambiguous. We read it as its FIRST occurrence (summer
  time, `fold=0`), always, so a rerun imports the same instant; an order
  really stamped in the second occurrence comes back one hour early. The data
  does not hold the difference, so nothing better exists.
- the hour skipped when summer time starts (02:00–02:59 on the last Sunday of
  March) never happened; the legacy app cannot write it, but a hand-edited row
  could. It is read with the offset before the change (`fold=0`, winter time),
  i.e. 02:30 → 01:30 UTC, which reads back as 03:30.
That is why comparisons are made in legacy space (`legacy_local_from_utc` on
the new side's instant): they never depend on this choice.

Legacy keeps whole seconds: sub-second parts are truncated (not rounded), so
an instant written to legacy and read back is the instant floored to a second.
"""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from till.migration.core.legacy_errors import UnmappableLegacyValue


def legacy_local_from_utc(instant: datetime, tz: ZoneInfo) -> datetime:
    """The naive legacy wall-clock reading of an aware instant, to the second."""
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise UnmappableLegacyValue("a new-side time must be aware", param="time")
    return instant.astimezone(tz).replace(tzinfo=None, microsecond=0, fold=0)


def utc_from_legacy_local(local: datetime, tz: ZoneInfo) -> datetime:
    """The aware UTC instant of a naive legacy reading (first occurrence of an
    ambiguous hour; the pre-change offset inside the spring gap)."""
    if local.tzinfo is not None:
        raise UnmappableLegacyValue("a legacy time must be naive", param="time")
    return local.replace(tzinfo=tz, fold=0).astimezone(UTC)


def is_ambiguous_local(local: datetime, tz: ZoneInfo) -> bool:
    """True inside the repeated hour (two instants share this reading)."""
    first = local.replace(tzinfo=tz, fold=0).utcoffset()
    second = local.replace(tzinfo=tz, fold=1).utcoffset()
    return first != second and not is_missing_local(local, tz)


def is_missing_local(local: datetime, tz: ZoneInfo) -> bool:
    """True inside the skipped hour (no instant has this reading)."""
    aware = local.replace(tzinfo=tz, fold=0)
    return aware.astimezone(UTC).astimezone(tz).replace(tzinfo=None) != local

"""The one error of the legacy mapping."""

from till.kernel.errors import ValidationFailed


class UnmappableLegacyValue(ValidationFailed):
    """A legacy value that has no exact counterpart on the new side (money
    more precise than its currency, an unknown currency or status, a local time
    that is missing). Never papered over: reconciliation reports it, the
    backfill skips and counts the row."""

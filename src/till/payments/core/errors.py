"""The payments context's domain errors."""

from till.kernel.errors import Conflict, ValidationFailed


class AmountTooLarge(ValidationFailed):
    def __init__(self, message: str) -> None:
        super().__init__(message, param="amount")


class StreamConflict(Conflict):
    """Someone else appended to this payment first (optimistic concurrency)."""

    def __init__(self, stream_id: str) -> None:
        super().__init__(f"{stream_id} was changed concurrently; retry")

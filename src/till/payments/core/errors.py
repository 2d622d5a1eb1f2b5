"""The payments context's domain errors."""

from till.kernel.errors import ValidationFailed


class AmountTooLarge(ValidationFailed):
    def __init__(self, message: str) -> None:
        super().__init__(message, param="amount")

"""The orders context's domain errors."""

from till.kernel.errors import Conflict, DomainError


class StreamConflict(Conflict):
    """Someone else appended to this order first (optimistic concurrency)."""

    def __init__(self, stream_id: str) -> None:
        super().__init__(f"{stream_id} was changed concurrently; retry")


class PaymentDeclined(DomainError):
    """The order's payment failed at once (402, with the processor's code)."""

    def __init__(self, code: str, message: str | None) -> None:
        super().__init__(message or "the payment was declined", param="payment_method")
        self.code = code


class PaymentsUnavailable(DomainError):
    """The payments side could not answer now; the same request retried resumes
    the same payment or refund (503)."""

    code = "gateway_unavailable"

"""The orders context's domain errors → HTTP status, in one table."""

from till.kernel.errors import DomainError
from till.orders.core.errors import PaymentDeclined, PaymentsUnavailable, StreamConflict

ORDERS_ERROR_STATUS: dict[type[DomainError], int] = {
    StreamConflict: 409,
    PaymentDeclined: 402,
    PaymentsUnavailable: 503,
}

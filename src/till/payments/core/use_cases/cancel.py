"""Cancel a payment (`POST /v1/payments/{id}/cancel`).

Rules: the owner, a service or an admin; only `pending` or `requires_capture`
(anything else → `invalid_state`). A held authorisation is released at the
processor first (voided); a pending payment never reached it."""

from till.payments.core.access import Caller, require_owner_or_service
from till.payments.core.models import Payment, Status


def check_cancel(payment: Payment, caller: Caller) -> bool:
    """True when the processor must void a held authorisation first."""
    if not caller.admin:
        require_owner_or_service(caller, payment.customer_id, "cancel")
    payment.cancel(payment.updated_at)  # the rules, on a throwaway copy
    return payment.status is Status.REQUIRES_CAPTURE


def void_key(payment: Payment) -> str:
    return f"{payment.id}:void"

"""Create a payment (`POST /v1/payments`), pending until confirmed.

Rules: a positive amount in a known currency; capture `automatic` or `manual`;
a user pays only as themselves (`customer_id` is theirs); a service names the
customer or none; a payment method, when given, must be one the payer may use."""

from datetime import datetime

from till.payments.core.access import Caller, customer_for
from till.payments.core.commands import PaymentIntent
from till.payments.core.events import PaymentEvent
from till.payments.core.models import Payment, create_payment
from till.payments.core.payment_methods import PaymentMethod
from till.payments.core.use_cases.charge import require_usable


def open_payment(
    intent: PaymentIntent,
    caller: Caller,
    payment_id: str,
    method: PaymentMethod | None,
    now: datetime,
) -> tuple[Payment, list[PaymentEvent]]:
    customer = customer_for(caller, intent.customer_id)
    if intent.payment_method is not None:
        require_usable(method, intent.payment_method, customer)
    return create_payment(
        payment_id,
        intent.amount,
        customer,
        intent.capture_method,
        now,
        metadata=intent.metadata,
        description=intent.description,
        payment_method=intent.payment_method,
    )

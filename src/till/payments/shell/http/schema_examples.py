"""Examples of the payments API's bodies (OpenAPI), one story: Ada pays $25.00
for order ord_… with a Visa test card; part of it is refunded later. Cards are
the sandbox's test numbers (API.md); secrets work nowhere."""

from typing import Any

CUSTOMER_ID = "usr_01KH5ZND8RPV25GRW7BRT4GZ53"
ORDER_ID = "ord_01KJQ6PQQW7VNQX5Q5KKJ0Z75H"
CARD_ID = "pm_01KJQ6NWKAJVSF108XZ26RZGVB"
BANK_ID = "pm_01KJQ6NXJJ7J7YRXAVQWGPFW68"
PAYMENT_ID = "pay_01KJQ6PTQ2JD88EBBH5897RJAD"
HELD_PAYMENT_ID = "pay_01KJQ719EKZ33XGK16722M8B6K"
REFUND_ID = "re_01KJQJQPRD3NHG29RGHWFYNWFQ"
REVIEW_ID = "rev_01KJQ719SWS5XCWK4FXWPEX3X0"
EVENT_ID = "evt_01KJQ6PVAHQ3GZG2YQ1BG7GK3R"
ENDPOINT_ID = "we_01KF179SW0PTZQQJ6SDWZAKM9J"
DELIVERY_ID = "whd_01KJQ6PVEZPJQKKNDPB8A897M8"
REPORT_ID = "rpt_01KJRPS0P7GHF930RK37M9RKB5"
WEBHOOK_SECRET = "whsec_QVB30Bu1dYAPwnorKaRLKMS6w1H2waE3VEl9ZONPOhM="  # noqa: S105  # pragma: allowlist secret
TEST_CARD = "4242424242424242"
DECLINED_CARD = "4000000000000002"

BILLING: dict[str, Any] = {
    "name": "Ada Lovelace",
    "email": "ada@example.com",
    "line1": "12 St James's Square",
    "city": "London",
    "postal_code": "SW1Y 4JH",
    "country": "GB",
}
NEW_CARD: dict[str, Any] = {
    "type": "card",
    "card": {"number": TEST_CARD, "exp_month": 12, "exp_year": 2030, "cvc": "123"},
    "billing_details": BILLING,
}
NEW_BANK_ACCOUNT: dict[str, Any] = {
    "type": "bank_transfer",
    "bank_transfer": {"iban": "DE89370400440532013000"},
    "customer_id": CUSTOMER_ID,
}
CARD_METHOD: dict[str, Any] = {
    "id": CARD_ID,
    "object": "payment_method",
    "type": "card",
    "customer_id": CUSTOMER_ID,
    "card": {"brand": "visa", "last4": "4242", "exp_month": 12, "exp_year": 2030},
    "bank_transfer": None,
    "billing_details": BILLING,
}

NEW_PAYMENT: dict[str, Any] = {
    "amount": 2500,
    "currency": "usd",
    "payment_method": CARD_ID,
    "description": f"Order {ORDER_ID}",
    "metadata": {"order_id": ORDER_ID},
    "confirm": True,
}
NEW_HELD_PAYMENT: dict[str, Any] = {
    "amount": 18000,
    "currency": "eur",
    "payment_method": CARD_ID,
    "customer_id": CUSTOMER_ID,
    "description": "Hotel deposit, 3 nights",
    "capture_method": "manual",
    "confirm": True,
}
CONFIRM: dict[str, Any] = {"payment_method": CARD_ID}
CAPTURE: dict[str, Any] = {"amount": 15000}
REFUND_REQUEST: dict[str, Any] = {"amount": 1250, "reason": "one mug arrived broken"}

PAYMENT: dict[str, Any] = {
    "id": PAYMENT_ID,
    "object": "payment",
    "amount": 2500,
    "currency": "usd",
    "status": "completed",
    "customer_id": CUSTOMER_ID,
    "payment_method": CARD_ID,
    "capture_method": "automatic",
    "amount_capturable": 0,
    "amount_received": 2500,
    "amount_refunded": 0,
    "description": f"Order {ORDER_ID}",
    "metadata": {"order_id": ORDER_ID},
    "risk": {"score": 12, "level": "normal"},
    "failure": None,
    "created_at": "2026-03-02T12:00:01.250000Z",
    "updated_at": "2026-03-02T12:00:01.873000Z",
}
DECLINED_PAYMENT: dict[str, Any] = PAYMENT | {
    "status": "failed",
    "amount_received": 0,
    "failure": {"code": "card_declined", "message": None},
}
HELD_PAYMENT: dict[str, Any] = {
    "id": HELD_PAYMENT_ID,
    "object": "payment",
    "amount": 18000,
    "currency": "eur",
    "status": "requires_review",
    "customer_id": CUSTOMER_ID,
    "payment_method": CARD_ID,
    "capture_method": "manual",
    "amount_capturable": 0,
    "amount_received": 0,
    "amount_refunded": 0,
    "description": "Hotel deposit, 3 nights",
    "metadata": {},
    "risk": {"score": 68, "level": "elevated"},
    "failure": None,
    "created_at": "2026-03-02T12:05:44.019000Z",
    "updated_at": "2026-03-02T12:05:44.380000Z",
}
REFUND: dict[str, Any] = {
    "id": REFUND_ID,
    "object": "refund",
    "payment_id": PAYMENT_ID,
    "amount": 1250,
    "status": "pending",
    "reason": "one mug arrived broken",
    "failure_code": None,
    "created_at": "2026-03-02T15:30:12.877000Z",
}
PAYMENT_EVENT: dict[str, Any] = {
    "version": 1,
    "type": "payment.created",
    "at": "2026-03-02T12:00:01.250000Z",
    "amount": 2500,
    "data": {
        "currency": "usd",
        "customer_id": CUSTOMER_ID,
        "capture_method": "automatic",
        "metadata": {"order_id": ORDER_ID},
        "description": f"Order {ORDER_ID}",
        "payment_method": CARD_ID,
    },
}
EVENT: dict[str, Any] = {
    "id": EVENT_ID,
    "type": "payment.completed",
    "created_at": "2026-03-02T12:00:01.873000Z",
    "data": PAYMENT,
}
REVIEW: dict[str, Any] = {
    "id": REVIEW_ID,
    "object": "review",
    "payment_id": HELD_PAYMENT_ID,
    "open": True,
    "reason": "rule",
    "amount": 18000,
    "currency": "eur",
    "customer_id": CUSTOMER_ID,
    "risk": {"score": 68, "level": "elevated", "reasons": ["card_velocity"]},
    "created_at": "2026-03-02T12:05:44.380000Z",
}
NEW_ENDPOINT: dict[str, Any] = {
    "url": "https://shop.example/hooks/till",
    "events": ["payment.completed", "payment.failed", "refund.completed"],
    "description": "Shop back office",
}
ENDPOINT: dict[str, Any] = NEW_ENDPOINT | {
    "id": ENDPOINT_ID,
    "object": "webhook_endpoint",
    "created_at": "2026-01-15T16:20:00Z",
    "disabled": False,
}

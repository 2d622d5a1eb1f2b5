"""Examples of the orders API's bodies (OpenAPI): Ada orders two mugs ($12.50
each) and pays with her card; the order is then fulfilled."""

from typing import Any

CUSTOMER_ID = "usr_01KH5ZND8RPV25GRW7BRT4GZ53"
ORDER_ID = "ord_01KJQ6PQQW7VNQX5Q5KKJ0Z75H"
PAYMENT_ID = "pay_01KJQ6PTQ2JD88EBBH5897RJAD"
CARD_ID = "pm_01KJQ6NWKAJVSF108XZ26RZGVB"

ITEM: dict[str, Any] = {
    "sku": "MUG-BLUE-350",
    "name": "Blue mug, 350 ml",
    "quantity": 2,
    "unit_amount": 1250,
}
NEW_ORDER: dict[str, Any] = {"currency": "usd", "items": [ITEM]}
NEW_ORDER_FOR_CUSTOMER: dict[str, Any] = {
    "currency": "eur",
    "items": [
        {
            "sku": "TEA-EARL-100",
            "name": "Earl Grey, 100 g",
            "quantity": 1,
            "unit_amount": 890,
        },
        {
            "sku": "POT-CAST-1L",
            "name": "Cast-iron teapot",
            "quantity": 1,
            "unit_amount": 4500,
        },
    ],
    "customer_id": CUSTOMER_ID,
}
PAY: dict[str, Any] = {"payment_method": CARD_ID}

ORDER: dict[str, Any] = {
    "id": ORDER_ID,
    "object": "order",
    "status": "paid",
    "customer_id": CUSTOMER_ID,
    "currency": "usd",
    "items": [ITEM | {"amount": 2500}],
    "subtotal": 2500,
    "total": 2500,
    "payment_id": PAYMENT_ID,
    "legacy_id": None,
    "created_at": "2026-03-02T11:59:58.204000Z",
    "updated_at": "2026-03-02T12:00:02.311000Z",
}
ORDER_EVENT: dict[str, Any] = {
    "version": 1,
    "type": "order.created",
    "at": "2026-03-02T11:59:58.204000Z",
    "data": {
        "customer_id": CUSTOMER_ID,
        "currency": "usd",
        "items": [ITEM],
        "source": "till",
    },
}

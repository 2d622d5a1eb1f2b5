"""Customer ids across the systems: till's are strings, legacy's integers.

A mapping table holds the pairs (`legacy_customers`). Two rules need no row:
an unmapped legacy customer N is till customer `lgc_N` (backfill), and `lgc_N`
is legacy customer N again (dual-write of an imported customer's order).
Orders without a customer (created by a service) are legacy customer 0, a
value the legacy API never accepts (`min:1`) so it cannot collide.
"""

GUEST_LEGACY_CUSTOMER_ID = 0
FIRST_ALLOCATED_LEGACY_CUSTOMER_ID = 1_000_000_000
_PREFIX = "lgc_"


def customer_id_for_unmapped(legacy_customer_id: int) -> str | None:
    if legacy_customer_id == GUEST_LEGACY_CUSTOMER_ID:
        return None
    return f"{_PREFIX}{legacy_customer_id}"


def legacy_customer_in_id(customer_id: str | None) -> int | None:
    """The legacy customer a till id names by rule (`lgc_N` → N, None → 0),
    None when only the mapping table can say."""
    if customer_id is None:
        return GUEST_LEGACY_CUSTOMER_ID
    digits = customer_id.removeprefix(_PREFIX)
    if customer_id.startswith(_PREFIX) and digits.isascii() and digits.isdigit():
        number = int(digits)
        if str(number) == digits and number > 0:
            return number
    return None

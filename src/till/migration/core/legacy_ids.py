"""The API id of an order the legacy shop created: `ord_` + a ULID-shaped
body whose time part is zero and whose last 16 characters are the legacy id
in Crockford base32 (`ord_00000000000000000000000007` is legacy order 7).

It passes `is_id_of("ord", …)`, sorts before every id till mints, and decodes
back to the legacy id without a lookup: the router knows such an order lives
in legacy, the proxy knows which row, and a backfill that imports the order
under the same id keeps every id a client already holds working.
Orders till created are written to legacy with `increment_id` = their id, so
the id of a legacy row is `increment_id` when that is an `ord_` id.
"""

from till.kernel.ids import is_id_of

_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # pragma: allowlist secret
_ZERO_TIME = "0" * 10
_BODY = 16
_MAX = 32**_BODY - 1


def order_id_for_legacy(legacy_id: int) -> str:
    if type(legacy_id) is not int or not 0 < legacy_id <= _MAX:
        raise ValueError(f"{legacy_id!r} is not a legacy order id")
    chars, value = [], legacy_id
    for _ in range(_BODY):
        chars.append(_ALPHABET[value & 31])
        value >>= 5
    return f"ord_{_ZERO_TIME}{''.join(reversed(chars))}"


def legacy_id_in_order_id(order_id: str) -> int | None:
    """The legacy id an id of `order_id_for_legacy` carries, else None."""
    if not is_id_of("ord", order_id) or order_id[4:14] != _ZERO_TIME:
        return None
    value = 0
    for char in order_id[14:]:
        value = value * 32 + _ALPHABET.index(char)
    return value or None


def order_id_of_legacy_row(legacy_id: int, increment_id: str | None) -> str:
    """The API id of a legacy row: till's own id, or the derived one."""
    if increment_id is not None and is_id_of("ord", increment_id):
        return increment_id
    return order_id_for_legacy(legacy_id)

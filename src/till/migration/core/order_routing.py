"""Which side answers an orders request while the strangler router is on
(ADR 0017): the new orders service or the legacy shop.

Flags (per route, evaluated for a customer): `orders.create` (POST
/v1/orders), `orders.read` (GET /v1/orders, GET /v1/orders/{id}),
`orders.transition` (cancel, fulfill, ship, deliver). `/pay` and `/history`
are not routed: legacy's order API has neither.

An order stays with the side that created it: an id of `order_id_for_legacy`
was minted by legacy and is served by legacy whatever the flags say. A
minted till id is served by the new service while the route's flag is on for
the order's customer; when it is off (kill switch, or the customer fell out
of the percentage), legacy serves it at once through the legacy id the
dual-write recorded. Until the dual-write has recorded it (its lag), legacy
does not have the order, and the new service keeps serving it: an answer
from the side that has the order beats a 404."""

from dataclasses import dataclass
from enum import StrEnum

from till.migration.core.access import Caller
from till.migration.core.legacy_ids import legacy_id_in_order_id

CREATE_FLAG = "orders.create"
READ_FLAG = "orders.read"
TRANSITION_FLAG = "orders.transition"
ROUTED_FLAGS = (CREATE_FLAG, READ_FLAG, TRANSITION_FLAG)
TRANSITIONS = ("cancel", "fulfill", "ship", "deliver")


class Side(StrEnum):
    NEW = "new"
    LEGACY = "legacy"


class Reason(StrEnum):
    FLAG_ON = "flag_on"
    FLAG_OFF = "flag_off"
    LEGACY_CREATED = "legacy_created"  # sticky: legacy minted the id
    UNKNOWN_ORDER = "unknown_order"  # neither id kind known: new answers 404
    NOT_YET_IN_LEGACY = "not_yet_in_legacy"  # flag off, dual-write behind


@dataclass(frozen=True, slots=True)
class Route:
    side: Side
    reason: Reason
    legacy_id: int | None = None  # the row legacy keeps the order in


@dataclass(frozen=True, slots=True)
class KnownOrder:
    """What the new store says of a minted id (None: it has no such order)."""

    customer_id: str
    legacy_id: int | None


def targeting_key(caller: Caller, customer_id: str | None) -> str:
    """The customer a request is for: a user is their own customer; a service
    or an admin names one (body or query), else stands for itself."""
    if not caller.is_staff:
        return caller.id
    return customer_id or caller.id


def route_new_request(flag_on: bool) -> Route:
    """Create and list: the flag alone decides."""
    if flag_on:
        return Route(Side.NEW, Reason.FLAG_ON)
    return Route(Side.LEGACY, Reason.FLAG_OFF)


def legacy_created(order_id: str) -> int | None:
    """The legacy id of an order legacy created (its API id says so)."""
    return legacy_id_in_order_id(order_id)


def route_known_order(known: KnownOrder | None, flag_on: bool) -> Route:
    """An order with a till-minted id, as the new store knows it, and the
    route's flag evaluated for its customer."""
    if known is None:
        return Route(Side.NEW, Reason.UNKNOWN_ORDER)
    if flag_on:
        return Route(Side.NEW, Reason.FLAG_ON)
    if known.legacy_id is None:
        return Route(Side.NEW, Reason.NOT_YET_IN_LEGACY)
    return Route(Side.LEGACY, Reason.FLAG_OFF, known.legacy_id)

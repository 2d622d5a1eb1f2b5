"""Which side answers an orders request while the strangler router is on
(ADR 0017): the new orders service or the legacy shop.

Flags (per route, evaluated for a customer): `orders.create` (POST
/v1/orders), `orders.read` (GET /v1/orders, GET /v1/orders/{id}),
`orders.transition` (cancel, fulfill, ship, deliver). `/pay` and `/history`
are not routed: legacy's order API has neither.

An order stays with the side that created it: an id of `order_id_for_legacy`
was minted by legacy and is served by legacy whatever the flags say. A
minted till id is served by the new service while the route's flag is on for
the order's customer, or off for them only by their bucket at a partial
rollout; when it is off for everyone (kill switch, 0 %: a rollback), legacy
serves it at once through the legacy id the dual-write recorded. Until the
dual-write has recorded it (its lag), legacy does not have the order, and
the new service keeps serving it: an answer from the side that has the order
beats a 404."""

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
    CREATED_BY_NEW = "created_by_new"  # sticky: partial rollout, new minted it


class FlagAnswer(StrEnum):
    """A route's flag for one customer, as the router needs it: off *for this
    customer* at a partial rollout (their bucket) is not off for everyone
    (kill switch, 0 %, unknown flag) — only the latter is a rollback."""

    ON = "on"
    OFF_BY_SPLIT = "off_by_split"
    OFF = "off"


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


def route_known_order(known: KnownOrder | None, answer: FlagAnswer) -> Route:
    """An order with a till-minted id, as the new store knows it, and the
    route's flag evaluated for its customer. While the flag is rolled out to
    a share of customers the order stays with the new service that created
    it, even for a customer outside the route's share: each route's flag
    splits customers differently (the bucket hashes the flag's key), and a
    change legacy made to it would never reach the new store (the dual-write
    copies new → legacy only). Off for everyone is a rollback: legacy."""
    if known is None:
        return Route(Side.NEW, Reason.UNKNOWN_ORDER)
    if answer is FlagAnswer.ON:
        return Route(Side.NEW, Reason.FLAG_ON)
    if answer is FlagAnswer.OFF_BY_SPLIT:
        return Route(Side.NEW, Reason.CREATED_BY_NEW)
    if known.legacy_id is None:
        return Route(Side.NEW, Reason.NOT_YET_IN_LEGACY)
    return Route(Side.LEGACY, Reason.FLAG_OFF, known.legacy_id)

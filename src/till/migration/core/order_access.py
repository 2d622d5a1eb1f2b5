"""API.md's order access rules, applied to answers the legacy shop gives (it
knows one static token, not our callers). The orders context enforces the
same rules on its side; contexts share no code, so they are restated here
and held equal by the router's tests: a caller must not notice which side
answered.

Not visible → `NotFound` (no existence leak); visible but not allowed →
`Forbidden`. Users own their orders; services (within their key's scopes)
and admins see and move all; an owner may cancel; the rest is staff's."""

from till.kernel.errors import Forbidden, NotFound, ValidationFailed
from till.migration.core.access import Caller


def require_scope(caller: Caller, scope: str) -> None:
    if caller.is_service and scope not in caller.scopes:
        raise Forbidden(f"this API key lacks the {scope!r} scope")


def require_visible(caller: Caller, owner_id: str | None) -> None:
    if not caller.is_staff and owner_id != caller.id:
        raise NotFound("no such order")


def require_may(caller: Caller, owner_id: str | None, action: str) -> None:
    """cancel: the owner or staff; fulfill, ship, deliver: staff."""
    allowed = caller.is_staff or (action == "cancel" and owner_id == caller.id)
    if not allowed:
        raise Forbidden(f"you may not {action} this order")


def customer_for(caller: Caller, requested: str | None) -> str:
    """A user orders as themselves; a service names the customer."""
    if caller.is_service:
        if requested is None:
            raise ValidationFailed(
                "a service must name the customer", param="customer_id"
            )
        return requested
    if requested is not None and requested != caller.id:
        raise Forbidden("a user can only order as themselves")
    return caller.id


def listed_customer(caller: Caller, requested: str | None) -> tuple[str | None, bool]:
    """The customer filter of a list, and whether the list must be empty (a
    user naming another customer). Staff may list everyone's (None)."""
    if caller.is_staff:
        return requested, False
    return caller.id, requested not in (None, caller.id)

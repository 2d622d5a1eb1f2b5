"""Who may do what to an order (API.md, Orders), in one place.

A caller who may not see an order gets `NotFound` (no existence leak); one who
may see it but not do the action gets `Forbidden`. Users own their orders;
services (within their key's scopes) and admins see and move all of them; an
owner may cancel; only the owner or a service pays."""

from dataclasses import dataclass

from till.kernel.errors import Forbidden, NotFound, ValidationFailed


@dataclass(frozen=True, slots=True)
class Caller:
    """The authenticated caller as orders needs it (from identity, through a
    port wired in the composition root)."""

    kind: str  # "user" or "service"
    id: str
    admin: bool = False
    scopes: frozenset[str] = frozenset()

    @property
    def is_service(self) -> bool:
        return self.kind == "service"

    @property
    def is_staff(self) -> bool:
        return self.is_service or self.admin


def require_scope(caller: Caller, scope: str) -> None:
    if caller.is_service and scope not in caller.scopes:
        raise Forbidden(f"this API key lacks the {scope!r} scope")


def require_visible(caller: Caller, owner_id: str) -> None:
    if not caller.is_staff and owner_id != caller.id:
        raise NotFound("no such order")


def require_may(caller: Caller, owner_id: str, action: str) -> None:
    """cancel: owner or staff; pay: owner or service; the rest: staff."""
    owner = owner_id == caller.id
    allowed = {
        "cancel": owner or caller.is_staff,
        "pay": owner or caller.is_service,
    }.get(action, caller.is_staff)
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

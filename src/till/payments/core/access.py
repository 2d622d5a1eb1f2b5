"""Who may do what to a payment (API.md, Payments): the rules in one place.

A caller who may not see a payment gets `NotFound` (never a leak of its
existence); one who may see it but not do the action gets `Forbidden`."""

from dataclasses import dataclass

from till.kernel.errors import Forbidden, NotFound


@dataclass(frozen=True, slots=True)
class Caller:
    """The authenticated caller, as payments needs it (from identity's
    principal, through a port)."""

    kind: str  # "user" or "service"
    id: str
    admin: bool = False
    recent_mfa: bool = False  # an admin who passed MFA within the allowed age
    scopes: frozenset[str] = frozenset()  # a service key's grants

    @property
    def is_service(self) -> bool:
        return self.kind == "service"

    @property
    def is_staff(self) -> bool:
        """A service or an admin: may see and act on every customer's payments."""
        return self.is_service or self.admin


def require_scope(caller: Caller, scope: str) -> None:
    """A service key acts only within its scopes (users act by their role)."""
    if caller.is_service and scope not in caller.scopes:
        raise Forbidden(f"this API key lacks the {scope!r} scope")


def require_visible(caller: Caller, owner_id: str | None, what: str) -> None:
    """Staff see everything; a user sees only their own."""
    if not caller.is_staff and owner_id != caller.id:
        raise NotFound(f"no such {what}")


def require_staff(caller: Caller, action: str) -> None:
    if not caller.is_staff:
        raise Forbidden(f"only a service or an admin may {action}")


def require_owner_or_service(caller: Caller, owner_id: str | None, action: str) -> None:
    """Confirming is the payer's act (or a service's on their behalf)."""
    if not (caller.is_service or owner_id == caller.id):
        raise Forbidden(f"only the customer or a service may {action}")


def customer_for(caller: Caller, requested: str | None) -> str | None:
    """A user pays only as themselves; a service names the customer (or none)."""
    if caller.is_service:
        return requested
    if requested is not None and requested != caller.id:
        raise Forbidden("a user can only pay as themselves")
    return caller.id


def require_admin_with_mfa(caller: Caller, action: str) -> None:
    """Admins who passed MFA recently (webhook endpoints, erasure)."""
    if not caller.admin:
        raise Forbidden(f"only an admin may {action}")
    if not caller.recent_mfa:
        raise MfaRequired(f"{action} needs a recent MFA check")


class MfaRequired(Forbidden):
    code = "mfa_required"

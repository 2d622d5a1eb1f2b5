"""Who may read and change the migration's flags (API.md: admin, + MFA to
change). The caller comes from identity through a port (migration never
imports identity)."""

from dataclasses import dataclass

from till.kernel.errors import Forbidden


@dataclass(frozen=True, slots=True)
class Caller:
    kind: str  # "user" or "service"
    id: str
    admin: bool = False
    recent_mfa: bool = False  # an admin who passed MFA within the allowed age
    scopes: frozenset[str] = frozenset()  # a service key's (the router checks them)

    @property
    def is_service(self) -> bool:
        return self.kind == "service"

    @property
    def is_staff(self) -> bool:
        return self.is_service or self.admin


class MfaRequired(Forbidden):
    code = "mfa_required"


def require_admin(caller: Caller, action: str) -> None:
    if not caller.admin:
        raise Forbidden(f"only an admin may {action}")


def require_admin_with_mfa(caller: Caller, action: str) -> None:
    """Flipping a flag moves live traffic between two systems: an admin who
    passed MFA recently, never a service key."""
    require_admin(caller, action)
    if not caller.recent_mfa:
        raise MfaRequired(f"to {action} needs a recent MFA check")

"""Change a user's roles (an admin action)."""

from till.identity.core.models import User
from till.identity.core.ports import IdentityStore
from till.kernel.errors import NotFound


async def change_roles(
    user_id: str, roles: frozenset[str], store: IdentityStore
) -> User:
    """Rules: the roles are known (`user`, `admin`) and not empty; an unknown user
    is 404. Tokens already issued keep their roles until they expire (≤ 15 min)."""
    user = await store.users.get(user_id)
    if user is None:
        raise NotFound("no such user", param="id")
    changed = user.with_roles(roles)
    await store.users.save(changed)
    return changed

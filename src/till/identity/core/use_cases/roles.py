"""Change a user's roles (an admin action)."""

from datetime import datetime

from till.identity.core.models import User
from till.identity.core.ports import IdentityStore, SessionRevocations
from till.identity.core.use_cases.sessions import end_all_sessions
from till.kernel.errors import NotFound


async def change_roles(
    user_id: str,
    roles: frozenset[str],
    store: IdentityStore,
    revocations: SessionRevocations,
    now: datetime,
) -> User:
    """Rules: the roles are known (`user`, `admin`) and not empty; an unknown user
    is 404. Access tokens carry roles, so a change ends the user's sessions: no
    token with the old roles keeps working (a demoted admin cannot use a still
    valid admin token to promote themselves back)."""
    user = await store.users.get_for_update(user_id)
    if user is None:
        raise NotFound("no such user", param="id")
    changed = user.with_roles(roles)
    if changed.roles != user.roles:
        await store.users.save(changed)
        await end_all_sessions(user_id, store, revocations, now)
    return changed

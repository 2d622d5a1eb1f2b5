"""Read a user's profile."""

from till.identity.core.errors import Unauthenticated
from till.identity.core.models import User
from till.identity.core.ports import IdentityStore


async def get_profile(user_id: str, store: IdentityStore) -> User:
    """Rules: the user of a valid token exists; if it was deleted the token is void."""
    user = await store.users.get(user_id)
    if user is None:
        raise Unauthenticated("the account no longer exists")
    return user

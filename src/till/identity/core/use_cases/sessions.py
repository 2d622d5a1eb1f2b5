"""List and revoke a user's sessions (logout is revoking the current one)."""

from datetime import datetime

from till.identity.core.models import Session
from till.identity.core.ports import IdentityStore, SessionRevocations
from till.kernel.errors import NotFound


async def list_sessions(user_id: str, store: IdentityStore) -> list[Session]:
    """Rules: a user sees only their own active sessions, newest first."""
    sessions = await store.sessions.for_user(user_id)
    return [s for s in sessions if s.active]


async def revoke_session(
    user_id: str,
    session_id: str,
    store: IdentityStore,
    revocations: SessionRevocations,
    now: datetime,
) -> None:
    """Rules: a user may revoke only their own session (another's is 404). Its
    refresh tokens stop at once, and its access tokens too (revocation check)."""
    session = await store.sessions.get(session_id)
    if session is None or session.user_id != user_id or not session.active:
        raise NotFound("no such session", param="id")
    await end_session(session_id, store, revocations, now)


async def end_session(
    session_id: str,
    store: IdentityStore,
    revocations: SessionRevocations,
    now: datetime,
) -> None:
    """The one way a session ends: revoked in the database (its refresh tokens
    stop, since refreshing checks the session) and marked for the fast check that
    stops its access tokens."""
    await store.sessions.revoke(session_id, now)
    await revocations.mark_revoked(session_id)


async def end_all_sessions(
    user_id: str,
    store: IdentityStore,
    revocations: SessionRevocations,
    now: datetime,
) -> None:
    for session in await list_sessions(user_id, store):
        await end_session(session.id, store, revocations, now)

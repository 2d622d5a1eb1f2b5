"""Exchange a refresh token for a new pair (rotation with reuse detection)."""

from till.identity.core.errors import RefreshTokenReused, Unauthenticated
from till.identity.core.models import TokenPair
from till.identity.core.ports import IdentityStore, SessionRevocations
from till.identity.core.secrets_codec import digest
from till.identity.core.token_issuer import TokenIssuer
from till.identity.core.use_cases.sessions import end_session


async def refresh(
    refresh_token: str,
    store: IdentityStore,
    issuer: TokenIssuer,
    revocations: SessionRevocations,
) -> TokenPair:
    """Rules: a refresh token works once. Presenting one that was already used means
    it leaked: the whole session (every token of its family) is revoked and the
    caller gets 401. Expired tokens and revoked sessions get 401. The new access
    token carries `amr: ["pwd"]`: an MFA step-up does not survive a refresh."""
    now = issuer.clock.now()
    grant = await store.refresh_tokens.consume(digest(refresh_token), now)
    if grant is None:
        raise Unauthenticated("refresh token is not valid")
    if grant.already_used:
        await end_session(grant.session_id, store, revocations, now)
        raise RefreshTokenReused()
    session = await store.sessions.get(grant.session_id)
    if grant.expires_at <= now or session is None or not session.active:
        raise Unauthenticated("refresh token is not valid")
    user = await store.users.get(session.user_id)
    if user is None:
        raise Unauthenticated("refresh token is not valid")
    await store.sessions.touch(session.id, now)
    return await issuer.issue_pair(store, user, session.id, ("pwd",))

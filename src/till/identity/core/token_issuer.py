"""Issuing a token pair for a session: the one place token lifetimes are decided."""

from dataclasses import dataclass
from datetime import timedelta

from till.identity.core.models import AccessClaims, TokenPair, User
from till.identity.core.ports import AccessTokenCodec, IdentityStore, TokenPolicy
from till.identity.core.secrets_codec import digest, new_refresh_token
from till.kernel.clock import Clock
from till.kernel.ids import new_id


@dataclass(frozen=True, slots=True)
class TokenIssuer:
    codec: AccessTokenCodec
    clock: Clock
    policy: TokenPolicy

    async def issue_pair(
        self, store: IdentityStore, user: User, session_id: str, amr: tuple[str, ...]
    ) -> TokenPair:
        """A fresh access token and a single-use refresh token in the session's
        family. Writes the refresh token's digest; the caller commits."""
        now = self.clock.now()
        claims = AccessClaims(
            subject=user.id,
            session_id=session_id,
            roles=user.roles,
            amr=amr,
            issued_at=now,
            expires_at=now + timedelta(seconds=self.policy.access_ttl_seconds),
            token_id=new_id("at"),
        )
        refresh = new_refresh_token()
        expires = now + timedelta(seconds=self.policy.refresh_ttl_seconds)
        await store.refresh_tokens.add(digest(refresh), session_id, now, expires)
        return TokenPair(
            access_token=self.codec.issue(claims),
            refresh_token=refresh,
            expires_in=self.policy.access_ttl_seconds,
            session_id=session_id,
        )

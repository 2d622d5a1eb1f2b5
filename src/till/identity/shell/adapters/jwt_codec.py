"""Access tokens as JWTs (RFC 9068 `at+jwt`), EdDSA by default, HS512 when
configured. Verification pins the algorithm and checks kid, typ, iss, aud, exp."""

from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

from till.identity.core.errors import (
    TokenExpired,
    Unauthenticated,
    UnknownSigningKey,
)
from till.identity.core.models import AccessClaims

_REQUIRED = ["iss", "aud", "sub", "exp", "iat", "jti", "sid"]
VERIFIED_CACHE_SIZE = 10_000  # ≈ 10 MB at most


@dataclass(frozen=True, slots=True)
class SigningKey:
    kid: str
    signing: Ed25519PrivateKey | bytes  # bytes: an HS512 secret
    verifying: Ed25519PublicKey | bytes


class JwtAccessTokenCodec:
    def __init__(
        self,
        keys: Mapping[str, SigningKey],
        current_kid: str,
        *,
        algorithm: str,
        issuer: str,
        audience: str,
    ) -> None:
        self.use_keys(keys, current_kid)
        self._algorithm = algorithm
        self._issuer = issuer
        self._audience = audience

    def use_keys(self, keys: Mapping[str, SigningKey], current_kid: str) -> None:
        """Swap in a reloaded keyring (after `till keys rotate-signing`)."""
        self._keys = dict(keys)
        self._current = self._keys[current_kid]
        # Tokens verified with a key that may now be retired must verify again.
        self._verified: OrderedDict[str, AccessClaims] = OrderedDict()

    def issue(self, claims: AccessClaims) -> str:
        payload = {
            "iss": self._issuer,
            "aud": self._audience,
            "sub": claims.subject,
            "exp": int(claims.expires_at.timestamp()),
            "iat": int(claims.issued_at.timestamp()),
            "jti": claims.token_id,
            "sid": claims.session_id,
            "roles": sorted(claims.roles),
            "amr": list(claims.amr),
        }
        headers = {"kid": self._current.kid, "typ": "at+jwt"}
        return jwt.encode(
            payload, self._current.signing, algorithm=self._algorithm, headers=headers
        )

    def verify(self, token: str, now: datetime) -> AccessClaims:
        """Signature checks are the costliest step of an authenticated request and
        clients reuse a token for many requests, so the claims of tokens whose
        signature checked out are kept (exact token text → claims, bounded LRU).
        Expiry is checked against `now` on every call, cached or not."""
        claims = self._verified.get(token)
        if claims is not None:
            self._verified.move_to_end(token)
        else:
            claims = self._verify_signature(token)
            self._verified[token] = claims
            if len(self._verified) > VERIFIED_CACHE_SIZE:
                self._verified.popitem(last=False)
        if claims.expires_at.timestamp() <= now.timestamp():
            raise TokenExpired()
        return claims

    def _verify_signature(self, token: str) -> AccessClaims:
        try:
            header = jwt.get_unverified_header(token)
            if header.get("typ") != "at+jwt":
                raise Unauthenticated("access token is not valid")
            key = self._keys.get(str(header.get("kid")))
            if key is None:
                raise UnknownSigningKey()
            raw: dict[str, Any] = jwt.decode(
                token,
                key.verifying,
                algorithms=[self._algorithm],
                audience=self._audience,
                issuer=self._issuer,
                options={"require": _REQUIRED, "verify_exp": False},
            )
        except jwt.PyJWTError as error:
            raise Unauthenticated("access token is not valid") from error
        return AccessClaims(
            subject=str(raw["sub"]),
            session_id=str(raw["sid"]),
            roles=frozenset(raw.get("roles", [])),
            amr=tuple(raw.get("amr", [])),
            issued_at=datetime.fromtimestamp(raw["iat"], UTC),
            expires_at=datetime.fromtimestamp(raw["exp"], UTC),
            token_id=str(raw["jti"]),
        )

    def public_jwks(self) -> dict[str, list[dict[str, str]]]:
        keys = []
        for key in self._keys.values():
            if isinstance(key.verifying, Ed25519PublicKey):
                jwk = jwt.algorithms.OKPAlgorithm.to_jwk(key.verifying, as_dict=True)
                keys.append({**jwk, "kid": key.kid, "alg": "EdDSA", "use": "sig"})
        return {"keys": keys}

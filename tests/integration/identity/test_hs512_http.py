"""HS512 access tokens when configured (TILL_AUTH_JWT_ALGORITHM=HS512)."""

import jwt
import pytest
from pydantic import SecretStr

from tests.integration.identity.flows import bearer, signed_in

SECRET = "s" * 64  # pragma: allowlist secret


@pytest.fixture
def auth_settings(auth_settings):
    return auth_settings.model_copy(
        update={"jwt_algorithm": "HS512", "jwt_secret": SecretStr(SECRET)}
    )


async def test_hs512_tokens_verify_with_the_shared_secret_and_jwks_is_empty(client):
    _, tokens = await signed_in(client)
    header = jwt.get_unverified_header(tokens["access_token"])
    assert header["alg"] == "HS512" and header["typ"] == "at+jwt"
    claims = jwt.decode(
        tokens["access_token"], SECRET, algorithms=["HS512"], audience="till-api"
    )
    assert claims["sid"] == tokens["session_id"]
    assert (await client.get("/v1/auth/me", headers=bearer(tokens))).status_code == 200
    assert (await client.get("/.well-known/jwks.json")).json() == {"keys": []}


async def test_an_eddsa_token_is_refused_when_hs512_is_pinned(client):
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    _, tokens = await signed_in(client)
    forged = jwt.encode(
        jwt.decode(tokens["access_token"], options={"verify_signature": False}),
        Ed25519PrivateKey.generate(),
        algorithm="EdDSA",
        headers={"kid": "hs512-1", "typ": "at+jwt"},
    )
    response = await client.get(
        "/v1/auth/me", headers={"Authorization": f"Bearer {forged}"}
    )
    assert response.status_code == 401

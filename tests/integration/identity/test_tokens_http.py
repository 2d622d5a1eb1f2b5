"""Access tokens: tampering, algorithm confusion, expiry, JWKS."""

import base64
import json
from datetime import UTC, datetime, timedelta

import jwt
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from tests.integration.identity.flows import bearer, signed_in


def _segments(token: str) -> list[str]:
    return token.split(".")


def _b64(data: dict) -> str:
    raw = json.dumps(data, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _payload(token: str) -> dict:
    segment = _segments(token)[1]
    return json.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))


async def _me(client, token: str):
    return await client.get("/v1/auth/me", headers={"Authorization": f"Bearer {token}"})


async def test_access_token_has_the_contract_header_and_claims(client):
    _, tokens = await signed_in(client)
    header = jwt.get_unverified_header(tokens["access_token"])
    assert header["alg"] == "EdDSA" and header["typ"] == "at+jwt" and header["kid"]
    claims = _payload(tokens["access_token"])
    for claim in ("iss", "aud", "sub", "exp", "iat", "jti", "sid", "roles", "amr"):
        assert claim in claims
    assert claims["exp"] - claims["iat"] == 900 and claims["amr"] == ["pwd"]


async def test_tampered_payload_is_401(client):
    _, tokens = await signed_in(client)
    head, _, sig = _segments(tokens["access_token"])
    claims = _payload(tokens["access_token"])
    claims["roles"] = ["user", "admin"]
    response = await _me(client, f"{head}.{_b64(claims)}.{sig}")
    assert response.status_code == 401 and response.json()["code"] == "unauthenticated"


async def test_alg_none_token_is_401(client):
    _, tokens = await signed_in(client)
    header = jwt.get_unverified_header(tokens["access_token"])
    forged_head = _b64({**header, "alg": "none"})
    body = _segments(tokens["access_token"])[1]
    assert (await _me(client, f"{forged_head}.{body}.")).status_code == 401


async def test_token_signed_with_another_key_is_401(client):
    _, tokens = await signed_in(client)
    header = jwt.get_unverified_header(tokens["access_token"])
    forged = jwt.encode(
        _payload(tokens["access_token"]),
        Ed25519PrivateKey.generate(),
        algorithm="EdDSA",
        headers={"kid": header["kid"], "typ": "at+jwt"},
    )
    assert (await _me(client, forged)).status_code == 401


async def test_expired_token_is_401_token_expired(client):
    _, tokens = await signed_in(client)
    codec = client.app.state.identity_queries.codec
    from till.identity.core.models import AccessClaims

    claims = codec.verify(tokens["access_token"], datetime.now(UTC))
    past = datetime.now(UTC) - timedelta(hours=1)
    expired = codec.issue(
        AccessClaims(
            subject=claims.subject,
            session_id=claims.session_id,
            roles=claims.roles,
            amr=claims.amr,
            issued_at=past,
            expires_at=past + timedelta(minutes=15),
            token_id="at_expired",
        )
    )
    response = await _me(client, expired)
    assert response.status_code == 401 and response.json()["code"] == "token_expired"


async def test_jwks_publishes_the_key_that_verifies_tokens(client):
    _, tokens = await signed_in(client)
    jwks = (await client.get("/.well-known/jwks.json")).json()
    kid = jwt.get_unverified_header(tokens["access_token"])["kid"]
    key = next(k for k in jwks["keys"] if k["kid"] == kid)
    assert key["kty"] == "OKP" and key["crv"] == "Ed25519" and "d" not in key
    public = jwt.PyJWK(key).key
    decoded = jwt.decode(
        tokens["access_token"], public, algorithms=["EdDSA"], audience="till-api"
    )
    assert decoded["sid"] == tokens["session_id"]


async def test_missing_or_malformed_authorization_is_401(client):
    assert (await client.get("/v1/auth/me")).status_code == 401
    for value in ("Basic abc", "Bearer", "Bearer not-a-jwt"):
        response = await client.get("/v1/auth/me", headers={"Authorization": value})
        assert response.status_code == 401, value
    _, tokens = await signed_in(client)
    assert (await client.get("/v1/auth/me", headers=bearer(tokens))).status_code == 200


async def test_signing_private_keys_are_stored_encrypted(client):
    from sqlalchemy import text

    database = client.app.state.identity_queries.uow.database
    async with database.read() as conn:
        stored = (
            await conn.execute(text("SELECT private_key_pem FROM signing_keys"))
        ).all()
    assert stored and all(row[0].startswith("enc:v1:") for row in stored)
    assert not any("PRIVATE KEY" in row[0] for row in stored)

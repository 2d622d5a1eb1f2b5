import base64
import json
from datetime import UTC, datetime, timedelta

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from till.identity.core.errors import TokenExpired, Unauthenticated, UnknownSigningKey
from till.identity.core.models import AccessClaims
from till.identity.shell.adapters.jwt_codec import JwtAccessTokenCodec, SigningKey

ISSUER = "till"
AUDIENCE = "till-api"
HS512_SECRET = b"s" * 64
# PyJWT checks `iat` against the wall clock, so tokens are issued "now".
NOW = datetime.now(UTC).replace(microsecond=0)


def ed25519_key(kid: str) -> SigningKey:
    private = Ed25519PrivateKey.generate()
    return SigningKey(kid, private, private.public_key())


def ed25519_codec(*keys: SigningKey, audience: str = AUDIENCE, issuer: str = ISSUER):
    return JwtAccessTokenCodec(
        {key.kid: key for key in keys},
        keys[0].kid,
        algorithm="EdDSA",
        issuer=issuer,
        audience=audience,
    )


def hs512_codec(secret: bytes = HS512_SECRET) -> JwtAccessTokenCodec:
    key = SigningKey("h1", secret, secret)
    return JwtAccessTokenCodec(
        {"h1": key}, "h1", algorithm="HS512", issuer=ISSUER, audience=AUDIENCE
    )


def claims(ttl_seconds: int = 900) -> AccessClaims:
    return AccessClaims(
        subject="usr_1",
        session_id="ses_1",
        roles=frozenset({"user", "admin"}),
        amr=("pwd", "otp"),
        issued_at=NOW,
        expires_at=NOW + timedelta(seconds=ttl_seconds),
        token_id="jti_1",
    )


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def segment(obj: dict) -> str:
    return b64url(json.dumps(obj).encode())


def payload_of(token: str) -> dict:
    return jwt.decode(token, options={"verify_signature": False})


@pytest.fixture
def key1() -> SigningKey:
    return ed25519_key("k1")


@pytest.fixture
def codec(key1) -> JwtAccessTokenCodec:
    return ed25519_codec(key1)


@pytest.mark.parametrize(
    "make_codec", [lambda: ed25519_codec(ed25519_key("k1")), hs512_codec]
)
def test_issued_token_verifies_back_to_the_same_claims(make_codec):
    codec = make_codec()
    original = claims()
    assert codec.verify(codec.issue(original), NOW) == original


def test_header_names_the_signing_key_and_the_access_token_type(codec):
    header = jwt.get_unverified_header(codec.issue(claims()))
    assert header == {"alg": "EdDSA", "kid": "k1", "typ": "at+jwt"}


def test_payload_carries_issuer_and_audience(codec):
    payload = payload_of(codec.issue(claims()))
    assert (payload["iss"], payload["aud"]) == (ISSUER, AUDIENCE)


def test_token_expires_at_its_exp_even_after_it_was_verified_and_cached(codec):
    token = codec.issue(claims(ttl_seconds=60))
    assert codec.verify(token, NOW).subject == "usr_1"
    assert codec.verify(token, NOW + timedelta(seconds=59)).subject == "usr_1"
    with pytest.raises(TokenExpired):
        codec.verify(token, NOW + timedelta(seconds=60))


def test_token_already_expired_on_first_sight_is_rejected(codec):
    token = codec.issue(claims(ttl_seconds=60))
    with pytest.raises(TokenExpired):
        codec.verify(token, NOW + timedelta(hours=1))


def test_token_signed_by_a_key_the_codec_does_not_know_is_unknown_signing_key(codec):
    stranger = ed25519_codec(ed25519_key("k9"))
    with pytest.raises(UnknownSigningKey):
        codec.verify(stranger.issue(claims()), NOW)


def test_token_signed_by_another_key_under_a_known_kid_is_rejected(codec):
    impostor = ed25519_codec(ed25519_key("k1"))
    with pytest.raises(Unauthenticated) as caught:
        codec.verify(impostor.issue(claims()), NOW)
    assert caught.type is Unauthenticated


@pytest.mark.parametrize("typ", ["JWT", "jwt", None])
def test_token_whose_typ_is_not_at_jwt_is_rejected(key1, codec, typ):
    token = jwt.encode(
        payload_of(codec.issue(claims())),
        key1.signing,
        algorithm="EdDSA",
        headers={"kid": "k1", "typ": typ},
    )
    with pytest.raises(Unauthenticated) as caught:
        codec.verify(token, NOW)
    assert caught.type is Unauthenticated


def test_unsigned_alg_none_token_is_rejected(codec):
    genuine = codec.issue(claims())
    forged_payload = {**payload_of(genuine), "roles": ["admin", "owner"]}
    header = {"alg": "none", "kid": "k1", "typ": "at+jwt"}
    forged = f"{segment(header)}.{segment(forged_payload)}."
    with pytest.raises(Unauthenticated) as caught:
        codec.verify(forged, NOW)
    assert caught.type is Unauthenticated


def test_token_signed_with_another_hmac_algorithm_is_rejected_by_hs512_codec():
    codec = hs512_codec()
    token = jwt.encode(
        payload_of(codec.issue(claims())),
        HS512_SECRET,
        algorithm="HS256",
        headers={"kid": "h1", "typ": "at+jwt"},
    )
    with pytest.raises(Unauthenticated):
        codec.verify(token, NOW)


def test_hs512_token_signed_with_another_secret_is_rejected():
    forger = hs512_codec(secret=b"f" * 64)
    with pytest.raises(Unauthenticated):
        hs512_codec().verify(forger.issue(claims()), NOW)


@pytest.mark.parametrize(
    "other", [{"audience": "someone-else"}, {"issuer": "evil-issuer"}]
)
def test_token_for_another_audience_or_issuer_is_rejected(key1, codec, other):
    token = ed25519_codec(key1, **other).issue(claims())
    with pytest.raises(Unauthenticated):
        codec.verify(token, NOW)


def test_tampered_payload_is_rejected(codec):
    header, payload, signature = codec.issue(claims()).split(".")
    raised = {**payload_of(f"{header}.{payload}.{signature}"), "sub": "usr_admin"}
    with pytest.raises(Unauthenticated):
        codec.verify(f"{header}.{segment(raised)}.{signature}", NOW)


def test_token_missing_a_required_claim_is_rejected(key1, codec):
    payload = payload_of(codec.issue(claims()))
    del payload["sid"]
    token = jwt.encode(
        payload, key1.signing, algorithm="EdDSA", headers={"kid": "k1", "typ": "at+jwt"}
    )
    with pytest.raises(Unauthenticated):
        codec.verify(token, NOW)


def test_garbage_is_rejected_as_unauthenticated(codec):
    with pytest.raises(Unauthenticated):
        codec.verify("not.a.jwt", NOW)


def test_reloading_a_keyring_without_the_old_key_rejects_a_token_verified_before(
    codec,
):
    token = codec.issue(claims())
    codec.verify(token, NOW)
    replacement = ed25519_key("k2")
    codec.use_keys({"k2": replacement}, "k2")
    with pytest.raises(UnknownSigningKey):
        codec.verify(token, NOW)


def test_after_rotation_new_tokens_use_the_new_key_and_old_ones_still_verify(
    key1, codec
):
    old_token = codec.issue(claims())
    codec.use_keys({"k1": key1, "k2": ed25519_key("k2")}, "k2")
    new_token = codec.issue(claims())
    assert jwt.get_unverified_header(new_token)["kid"] == "k2"
    assert codec.verify(old_token, NOW) == codec.verify(new_token, NOW) == claims()


def test_jwks_publishes_the_public_key_only(key1, codec):
    jwks = codec.public_jwks()
    [jwk] = jwks["keys"]
    raw_public = key1.verifying.public_bytes(Encoding.Raw, PublicFormat.Raw)
    assert "d" not in jwk
    assert jwk["x"] == b64url(raw_public)
    assert {k: jwk[k] for k in ("kty", "crv", "kid", "alg", "use")} == {
        "kty": "OKP",
        "crv": "Ed25519",
        "kid": "k1",
        "alg": "EdDSA",
        "use": "sig",
    }


def test_jwks_lists_every_loaded_ed25519_key(key1):
    codec = ed25519_codec(key1, ed25519_key("k2"))
    assert sorted(k["kid"] for k in codec.public_jwks()["keys"]) == ["k1", "k2"]


def test_jwks_publishes_nothing_for_an_hs512_secret():
    assert hs512_codec().public_jwks() == {"keys": []}

"""Examples of the identity API's bodies (OpenAPI), one story: Ada registers,
logs in, turns on MFA; an admin makes an API key for the order service.
Secrets here are made up for the document and work nowhere."""

import base64
import json
from typing import Any

USER_ID = "usr_01KH5ZND8RPV25GRW7BRT4GZ53"
SESSION_ID = "ses_01KJPX8QFM7WXF3V7BQMA11AT1"
API_KEY_ID = "key_01KJMDEBBRDHWKD58Q3SWKTZ80"
SIGNING_KEY_ID = "kid_01KDVDNA00BHVXFZCFA7PGRAMH"

SIGNING_KEY_X = (
    "znmfHHIEmIkEnPbHAe0bGT3U357Q1UclfVEWmSb24zk"  # pragma: allowlist secret
)
PASSWORD = "plum-orchard-lantern-42"  # noqa: S105  # pragma: allowlist secret


def _b64url(part: dict[str, Any]) -> str:
    raw = json.dumps(part, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


# An access token as till issues them (EdDSA JWT, `typ: at+jwt`, 15 minutes),
# signed by a throwaway key.
ACCESS_TOKEN = ".".join(
    [
        _b64url({"alg": "EdDSA", "kid": SIGNING_KEY_ID, "typ": "at+jwt"}),
        _b64url(
            {
                "iss": "till",
                "aud": "till-api",
                "sub": USER_ID,
                "exp": 1772443802,
                "iat": 1772442902,
                "jti": "at_01KJPX8QFGBC98HFDRDK7K7K01",
                "sid": SESSION_ID,
                "roles": ["user"],
                "amr": ["pwd"],
            }
        ),
        "Vjk2fO0npdI5QrDAXtjHCT5isa5TZ5Z-ogDmyeMFbu9"  # pragma: allowlist secret
        "ay1DJHZWFsarzl2NBeuxQyhCsWPdTHGpCweUgGek_Bg",  # pragma: allowlist secret
    ]
)
REFRESH_TOKEN = "rt_cZDljbjeyaUsWyyEckwutFVruZuJAUFFxGoZ178_lig"  # noqa: S105  # pragma: allowlist secret
API_KEY_SECRET = "sk_LCzhWtT8gk77ckFWe8Cj3q_gy2e9e7glAT-AMmfXoTo"  # noqa: S105  # pragma: allowlist secret
TOTP_SECRET = "OEJFCIPR5H45EFLIFFTTDBD7FXAROJI6"  # noqa: S105  # pragma: allowlist secret

REGISTER: dict[str, Any] = {
    "email": "ada@example.com",
    "password": PASSWORD,
    "name": "Ada Lovelace",
}
LOGIN: dict[str, Any] = {"email": "ada@example.com", "password": PASSWORD}
REFRESH: dict[str, Any] = {"refresh_token": REFRESH_TOKEN}
TOTP_CODE: dict[str, Any] = {"code": "492039"}
RECOVERY_CODE: dict[str, Any] = {"code": "ca6c-b4be-a7c5-b95f"}
ROLES: dict[str, Any] = {"roles": ["user", "admin"]}
NEW_API_KEY: dict[str, Any] = {
    "name": "order-service",
    "scopes": ["payments:read", "payments:write", "orders:write"],
}

USER: dict[str, Any] = {
    "id": USER_ID,
    "object": "user",
    "email": "ada@example.com",
    "name": "Ada Lovelace",
    "roles": ["user"],
    "mfa_enabled": False,
    "created_at": "2026-02-11T09:14:07.512000Z",
}
TOKEN_PAIR: dict[str, Any] = {
    "access_token": ACCESS_TOKEN,
    "refresh_token": REFRESH_TOKEN,
    "token_type": "Bearer",
    "expires_in": 900,
    "session_id": SESSION_ID,
}
SESSION: dict[str, Any] = {
    "id": SESSION_ID,
    "object": "session",
    "created_at": "2026-03-02T09:15:02.004000Z",
    "last_used_at": "2026-03-02T11:47:40.118000Z",
    "user_agent": "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_3) Firefox/123.0",
    "ip": "203.0.113.7",
    "current": True,
}
TOTP_ENROLMENT: dict[str, Any] = {
    "secret": TOTP_SECRET,
    "otpauth_uri": (
        "otpauth://totp/till%3Aada%40example.com?secret="
        + TOTP_SECRET
        + "&issuer=till&digits=6&period=30"
    ),
}
TOTP_VERIFIED: dict[str, Any] = {
    "mfa_enabled": True,
    "recovery_codes": [
        "ca6c-b4be-a7c5-b95f",
        "3312-897d-fc0c-d551",
        "c2d0-9506-5606-f16c",
        "fe58-3c68-2f0c-e51f",
        "4099-c0d1-6a5c-3c73",
        "80e2-6dd8-5abf-92a2",
        "3794-7b79-9363-da44",
        "ef7b-4d7e-2efa-4e2d",
        "b8dc-1133-7a1a-3e19",
        "cc37-1b51-a6ec-c096",
    ],
}
API_KEY: dict[str, Any] = {
    "id": API_KEY_ID,
    "object": "api_key",
    "name": "order-service",
    "scopes": ["orders:write", "payments:read", "payments:write"],
    "created_at": "2026-03-01T10:00:00.120000Z",
    "last_used_at": "2026-03-02T11:59:58.190000Z",
}
API_KEY_CREATED: dict[str, Any] = API_KEY | {
    "last_used_at": None,
    "key": API_KEY_SECRET,
}
JWKS: dict[str, Any] = {
    "keys": [
        {
            "kty": "OKP",
            "crv": "Ed25519",
            "x": SIGNING_KEY_X,
            "kid": SIGNING_KEY_ID,
            "alg": "EdDSA",
            "use": "sig",
        }
    ]
}

"""Steps of identity flows over HTTP, shared by the integration tests."""

import uuid

import httpx

from till.identity.core.totp import time_step, totp_code
from till.kernel.clock import SystemClock

PASSWORD = "correct horse battery staple"  # pragma: allowlist secret


def unique_email(tag: str = "user") -> str:
    return f"{tag}-{uuid.uuid4().hex[:10]}@example.com"


async def register(http: httpx.AsyncClient, email: str | None = None) -> dict:
    response = await http.post(
        "/v1/auth/register",
        json={"email": email or unique_email(), "password": PASSWORD, "name": "Ada"},
    )
    assert response.status_code == 201, response.text
    return response.json()


async def login(http: httpx.AsyncClient, email: str, password: str = PASSWORD) -> dict:
    response = await http.post(
        "/v1/auth/login", json={"email": email, "password": password}
    )
    assert response.status_code == 200, response.text
    return response.json()


async def signed_in(http: httpx.AsyncClient) -> tuple[dict, dict]:
    user = await register(http)
    return user, await login(http, user["email"])


def bearer(tokens: dict) -> dict[str, str]:
    return {"Authorization": f"Bearer {tokens['access_token']}"}


def current_code(secret: str, offset_steps: int = 0) -> str:
    return totp_code(secret, time_step(SystemClock().now()) + offset_steps)


async def enable_mfa(http: httpx.AsyncClient, tokens: dict) -> tuple[str, list[str]]:
    enrol = await http.post("/v1/auth/mfa/totp", headers=bearer(tokens))
    assert enrol.status_code == 201, enrol.text
    secret = enrol.json()["secret"]
    verify = await http.post(
        "/v1/auth/mfa/totp/verify",
        json={"code": current_code(secret, -1)},
        headers=bearer(tokens),
    )
    assert verify.status_code == 200, verify.text
    return secret, verify.json()["recovery_codes"]


async def admin_with_mfa(http: httpx.AsyncClient) -> tuple[dict, dict]:
    """An admin (made through the composition root, as `till user create --admin`
    does) who has stepped up with TOTP."""
    email = unique_email("admin")
    commands = http.app.state.identity_commands  # type: ignore[attr-defined]
    user = await commands.register(email, PASSWORD, "Root", admin=True)
    tokens = await login(http, email)
    secret, _ = await enable_mfa(http, tokens)
    stepped = await http.post(
        "/v1/auth/mfa/challenge",
        json={"code": current_code(secret)},
        headers=bearer(tokens),
    )
    assert stepped.status_code == 200, stepped.text
    return {"id": user.id, "email": email}, stepped.json()


def assert_problem(
    response: httpx.Response, status: int, code: str, param: str | None = None
) -> dict:
    """The response is an RFC 9457 problem with this status, code (and param)."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body["code"] == code
    assert body["status"] == status
    if param is not None:
        assert body.get("param") == param, body
    return body

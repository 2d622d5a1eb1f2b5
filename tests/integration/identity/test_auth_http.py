"""Register, login, refresh, logout, me, sessions over HTTP."""

import asyncio

from tests.integration.identity.flows import (
    PASSWORD,
    bearer,
    login,
    register,
    signed_in,
    unique_email,
)

PROBLEM = "application/problem+json"


async def test_register_returns_the_user_without_secrets(client):
    email = unique_email()
    response = await client.post(
        "/v1/auth/register", json={"email": email.upper(), "password": PASSWORD}
    )
    assert response.status_code == 201
    body = response.json()
    assert body["email"] == email and body["roles"] == ["user"]
    assert body["id"].startswith("usr_") and body["mfa_enabled"] is False
    assert "password" not in response.text and PASSWORD not in response.text


async def test_register_with_short_password_is_422_on_password(client):
    response = await client.post(
        "/v1/auth/register", json={"email": unique_email(), "password": "short"}
    )
    assert response.status_code == 422
    assert response.headers["content-type"] == PROBLEM
    assert response.json()["code"] == "validation_error"
    assert response.json()["param"] == "password"


async def test_register_with_common_password_is_rejected(client):
    response = await client.post(
        "/v1/auth/register",
        json={"email": unique_email(), "password": "qwertyuiop123"},
    )
    assert response.status_code == 422 and "common" in response.json()["detail"]


async def test_register_with_taken_email_is_409_conflict(client):
    user = await register(client)
    response = await client.post(
        "/v1/auth/register",
        json={"email": user["email"].upper(), "password": PASSWORD},
    )
    assert response.status_code == 409 and response.json()["code"] == "conflict"


async def test_concurrent_registrations_of_one_email_make_one_account(client):
    email = unique_email()
    body = {"email": email, "password": PASSWORD}
    responses = await asyncio.gather(
        *(client.post("/v1/auth/register", json=body) for _ in range(3))
    )
    assert sorted(r.status_code for r in responses) == [201, 409, 409]


async def test_login_gives_bearer_tokens_for_fifteen_minutes(client):
    user = await register(client)
    tokens = await login(client, user["email"])
    assert tokens["token_type"] == "Bearer" and tokens["expires_in"] == 900
    assert tokens["session_id"].startswith("ses_")
    me = await client.get("/v1/auth/me", headers=bearer(tokens))
    assert me.status_code == 200 and me.json()["id"] == user["id"]
    assert me.headers["cache-control"] == "no-store"


async def test_unknown_email_and_wrong_password_get_the_same_401(client):
    user = await register(client)
    wrong = await client.post(
        "/v1/auth/login", json={"email": user["email"], "password": "x" * 14}
    )
    unknown = await client.post(
        "/v1/auth/login", json={"email": unique_email(), "password": "x" * 14}
    )
    assert wrong.status_code == unknown.status_code == 401
    strip = {"request_id"}
    assert {k: v for k, v in wrong.json().items() if k not in strip} == {
        k: v for k, v in unknown.json().items() if k not in strip
    }
    assert wrong.json()["code"] == "invalid_credentials"


async def test_sixth_failed_login_is_throttled_with_retry_after(client):
    user = await register(client)
    for _ in range(5):
        failed = await client.post(
            "/v1/auth/login", json={"email": user["email"], "password": "x" * 14}
        )
        assert failed.status_code == 401
    throttled = await client.post(
        "/v1/auth/login", json={"email": user["email"], "password": PASSWORD}
    )
    assert throttled.status_code == 429
    assert throttled.json()["code"] == "rate_limited"
    assert 0 < int(throttled.headers["retry-after"]) <= 30


async def test_refresh_rotates_and_reuse_revokes_the_session(client):
    _, tokens = await signed_in(client)
    first = await client.post(
        "/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]}
    )
    assert first.status_code == 200
    newer = first.json()
    assert newer["refresh_token"] != tokens["refresh_token"]
    reuse = await client.post(
        "/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]}
    )
    assert reuse.status_code == 401
    # the whole family is dead: the newer refresh token and its access token too
    later = await client.post(
        "/v1/auth/refresh", json={"refresh_token": newer["refresh_token"]}
    )
    assert later.status_code == 401
    me = await client.get("/v1/auth/me", headers=bearer(newer))
    assert me.status_code == 401


async def test_logout_stops_refresh_and_access_tokens_at_once(client):
    _, tokens = await signed_in(client)
    out = await client.post("/v1/auth/logout", headers=bearer(tokens))
    assert out.status_code == 204
    me = await client.get("/v1/auth/me", headers=bearer(tokens))
    assert me.status_code == 401 and me.json()["code"] == "unauthenticated"
    refresh = await client.post(
        "/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]}
    )
    assert refresh.status_code == 401


async def test_sessions_lists_each_login_and_marks_the_current_one(client):
    user = await register(client)
    first = await login(client, user["email"])
    second = await login(client, user["email"])
    listed = await client.get("/v1/auth/sessions", headers=bearer(second))
    assert listed.status_code == 200
    data = listed.json()["data"]
    assert [s["id"] for s in data] == [second["session_id"], first["session_id"]]
    assert [s["current"] for s in data] == [True, False]
    assert data[0]["ip"] == "203.0.113.7"
    page = await client.get("/v1/auth/sessions?limit=1", headers=bearer(second))
    assert page.json()["has_more"] is True and len(page.json()["data"]) == 1


async def test_revoking_a_session_stops_its_tokens(client):
    user = await register(client)
    first = await login(client, user["email"])
    second = await login(client, user["email"])
    path = f"/v1/auth/sessions/{first['session_id']}"
    assert (await client.delete(path, headers=bearer(second))).status_code == 204
    assert (await client.get("/v1/auth/me", headers=bearer(first))).status_code == 401
    assert (await client.get("/v1/auth/me", headers=bearer(second))).status_code == 200


async def test_another_users_session_is_404(client):
    _, mine = await signed_in(client)
    _, theirs = await signed_in(client)
    path = f"/v1/auth/sessions/{theirs['session_id']}"
    response = await client.delete(path, headers=bearer(mine))
    assert response.status_code == 404 and response.json()["code"] == "not_found"

"""TOTP enrolment, verification and step-up over HTTP, against PostgreSQL and Redis."""

import base64
import json

import httpx

from tests.integration.identity.flows import (
    assert_problem,
    bearer,
    current_code,
    enable_mfa,
    signed_in,
)


def jwt_payload(token: str) -> dict:
    segment = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))


def wrong_code(secret: str) -> str:
    """A well-formed code that matches none of the steps the server accepts."""
    accepted = {current_code(secret, offset) for offset in (-2, -1, 0, 1, 2)}
    return next(c for c in ("000000", "111111", "222222") if c not in accepted)


async def me(client: httpx.AsyncClient, tokens: dict) -> dict:
    response = await client.get("/v1/auth/me", headers=bearer(tokens))
    assert response.status_code == 200, response.text
    return response.json()


async def test_enrolment_returns_secret_and_uri_but_leaves_mfa_off(
    client: httpx.AsyncClient,
) -> None:
    _, tokens = await signed_in(client)

    response = await client.post("/v1/auth/mfa/totp", headers=bearer(tokens))

    assert response.status_code == 201, response.text
    body = response.json()
    assert body["secret"]
    assert body["otpauth_uri"].startswith("otpauth://totp/")
    assert f"secret={body['secret']}" in body["otpauth_uri"]
    assert (await me(client, tokens))["mfa_enabled"] is False


async def test_verifying_enrolment_with_a_wrong_code_is_rejected(
    client: httpx.AsyncClient,
) -> None:
    _, tokens = await signed_in(client)
    enrol = await client.post("/v1/auth/mfa/totp", headers=bearer(tokens))
    secret = enrol.json()["secret"]

    response = await client.post(
        "/v1/auth/mfa/totp/verify",
        json={"code": wrong_code(secret)},
        headers=bearer(tokens),
    )

    assert_problem(response, 401, "invalid_credentials")
    assert (await me(client, tokens))["mfa_enabled"] is False


async def test_verifying_enrolment_with_the_right_code_turns_mfa_on(
    client: httpx.AsyncClient,
) -> None:
    _, tokens = await signed_in(client)
    enrol = await client.post("/v1/auth/mfa/totp", headers=bearer(tokens))
    secret = enrol.json()["secret"]

    response = await client.post(
        "/v1/auth/mfa/totp/verify",
        json={"code": current_code(secret)},
        headers=bearer(tokens),
    )

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["mfa_enabled"] is True
    assert len(body["recovery_codes"]) == 10
    assert len(set(body["recovery_codes"])) == 10
    assert (await me(client, tokens))["mfa_enabled"] is True


async def test_challenge_with_a_current_code_issues_tokens_with_otp_amr(
    client: httpx.AsyncClient,
) -> None:
    _, tokens = await signed_in(client)
    secret, _ = await enable_mfa(client, tokens)
    assert jwt_payload(tokens["access_token"])["amr"] == ["pwd"]

    response = await client.post(
        "/v1/auth/mfa/challenge",
        json={"code": current_code(secret)},
        headers=bearer(tokens),
    )

    assert response.status_code == 200, response.text
    pair = response.json()
    assert pair["access_token"] != tokens["access_token"]
    assert pair["refresh_token"] != tokens["refresh_token"]
    assert pair["token_type"] == "Bearer"
    assert jwt_payload(pair["access_token"])["amr"] == ["pwd", "otp"]


async def test_replayed_totp_code_is_rejected(client: httpx.AsyncClient) -> None:
    _, tokens = await signed_in(client)
    secret, _ = await enable_mfa(client, tokens)
    code = current_code(secret)
    first = await client.post(
        "/v1/auth/mfa/challenge", json={"code": code}, headers=bearer(tokens)
    )
    assert first.status_code == 200, first.text

    replay = await client.post(
        "/v1/auth/mfa/challenge", json={"code": code}, headers=bearer(tokens)
    )

    assert_problem(replay, 401, "invalid_credentials")


async def test_challenge_with_a_wrong_code_is_rejected(
    client: httpx.AsyncClient,
) -> None:
    _, tokens = await signed_in(client)
    secret, _ = await enable_mfa(client, tokens)

    response = await client.post(
        "/v1/auth/mfa/challenge",
        json={"code": wrong_code(secret)},
        headers=bearer(tokens),
    )

    assert_problem(response, 401, "invalid_credentials")


async def test_recovery_code_works_once(client: httpx.AsyncClient) -> None:
    _, tokens = await signed_in(client)
    _, recovery_codes = await enable_mfa(client, tokens)
    code = recovery_codes[0]

    first = await client.post(
        "/v1/auth/mfa/challenge", json={"code": code}, headers=bearer(tokens)
    )
    again = await client.post(
        "/v1/auth/mfa/challenge", json={"code": code}, headers=bearer(tokens)
    )

    assert first.status_code == 200, first.text
    assert jwt_payload(first.json()["access_token"])["amr"] == ["pwd", "otp"]
    assert_problem(again, 401, "invalid_credentials")


async def test_challenge_without_mfa_enabled_is_forbidden(
    client: httpx.AsyncClient,
) -> None:
    _, tokens = await signed_in(client)

    response = await client.post(
        "/v1/auth/mfa/challenge", json={"code": "123456"}, headers=bearer(tokens)
    )

    assert_problem(response, 403, "forbidden")


async def test_enrolling_again_with_mfa_on_is_a_conflict(
    client: httpx.AsyncClient,
) -> None:
    _, tokens = await signed_in(client)
    await enable_mfa(client, tokens)

    response = await client.post("/v1/auth/mfa/totp", headers=bearer(tokens))

    assert_problem(response, 409, "conflict")
    assert (await me(client, tokens))["mfa_enabled"] is True


async def test_totp_secrets_are_stored_encrypted(client: httpx.AsyncClient) -> None:
    from sqlalchemy import text

    user, tokens = await signed_in(client)
    enrol = await client.post("/v1/auth/mfa/totp", headers=bearer(tokens))
    secret = enrol.json()["secret"]
    database = client.app.state.identity_queries.uow.database  # type: ignore[attr-defined]
    async with database.read() as conn:
        stored = await conn.scalar(
            text("SELECT totp_pending_secret FROM users WHERE id = :id"),
            {"id": user["id"]},
        )
    assert stored.startswith("enc:v1:") and secret not in stored

"""Admin actions over HTTP: role changes and service API keys (admin + MFA)."""

import httpx

from tests.integration.identity.flows import (
    PASSWORD,
    admin_with_mfa,
    assert_problem,
    bearer,
    login,
    register,
    signed_in,
    unique_email,
)
from till.kernel.ids import new_id


def key_auth(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


async def admin_without_step_up(client: httpx.AsyncClient) -> dict:
    """An admin's plain password login: `amr` is only `pwd`."""
    email = unique_email("admin")
    commands = client.app.state.identity_commands  # type: ignore[attr-defined]
    await commands.register(email, PASSWORD, "Root", admin=True)
    return await login(client, email)


async def create_key(client: httpx.AsyncClient, admin_tokens: dict) -> dict:
    response = await client.post(
        "/v1/api-keys",
        json={"name": "order-service", "scopes": ["payments:write"]},
        headers=bearer(admin_tokens),
    )
    assert response.status_code == 201, response.text
    return response.json()


async def test_stepped_up_admin_changes_a_users_roles(
    client: httpx.AsyncClient,
) -> None:
    _, admin = await admin_with_mfa(client)
    target = await register(client)

    response = await client.put(
        f"/v1/users/{target['id']}/roles",
        json={"roles": ["user", "admin"]},
        headers=bearer(admin),
    )

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["id"] == target["id"]
    assert sorted(body["roles"]) == ["admin", "user"]


async def test_admin_without_mfa_step_up_cannot_change_roles(
    client: httpx.AsyncClient,
) -> None:
    admin = await admin_without_step_up(client)
    target = await register(client)

    response = await client.put(
        f"/v1/users/{target['id']}/roles",
        json={"roles": ["user", "admin"]},
        headers=bearer(admin),
    )

    assert_problem(response, 403, "mfa_required")


async def test_plain_user_cannot_change_roles(client: httpx.AsyncClient) -> None:
    user, tokens = await signed_in(client)

    response = await client.put(
        f"/v1/users/{user['id']}/roles",
        json={"roles": ["user", "admin"]},
        headers=bearer(tokens),
    )

    # API.md: "admin + MFA" ... "otherwise 403 mfa_required"
    assert_problem(response, 403, "mfa_required")


async def test_changing_roles_of_an_unknown_user_is_not_found(
    client: httpx.AsyncClient,
) -> None:
    _, admin = await admin_with_mfa(client)

    response = await client.put(
        f"/v1/users/{new_id('usr')}/roles",
        json={"roles": ["user"]},
        headers=bearer(admin),
    )

    assert_problem(response, 404, "not_found")


async def test_unknown_role_is_a_validation_error(client: httpx.AsyncClient) -> None:
    _, admin = await admin_with_mfa(client)
    target = await register(client)

    response = await client.put(
        f"/v1/users/{target['id']}/roles",
        json={"roles": ["user", "superuser"]},
        headers=bearer(admin),
    )

    assert_problem(response, 422, "validation_error", param="roles")


async def test_created_api_key_authenticates_as_a_service_not_a_user(
    client: httpx.AsyncClient,
) -> None:
    _, admin = await admin_with_mfa(client)

    key = await create_key(client, admin)

    assert key["id"].startswith("key_")
    assert key["key"].startswith("sk_")
    me = await client.get("/v1/auth/me", headers=key_auth(key["key"]))
    assert_problem(me, 403, "forbidden")


async def test_invalid_api_key_is_unauthenticated(client: httpx.AsyncClient) -> None:
    response = await client.get("/v1/auth/me", headers=key_auth("sk_nope"))

    assert_problem(response, 401, "unauthenticated")


async def test_listed_api_keys_never_include_the_secret(
    client: httpx.AsyncClient,
) -> None:
    _, admin = await admin_with_mfa(client)
    key = await create_key(client, admin)

    response = await client.get("/v1/api-keys", headers=bearer(admin))

    assert response.status_code == 200, response.text
    listed = [k for k in response.json()["data"] if k["id"] == key["id"]]
    assert len(listed) == 1
    assert listed[0]["name"] == "order-service"
    assert "key" not in listed[0]
    assert key["key"] not in response.text


async def test_revoked_api_key_stops_authenticating(
    client: httpx.AsyncClient,
) -> None:
    _, admin = await admin_with_mfa(client)
    key = await create_key(client, admin)

    deleted = await client.delete(f"/v1/api-keys/{key['id']}", headers=bearer(admin))

    assert deleted.status_code == 204, deleted.text
    response = await client.get("/v1/auth/me", headers=key_auth(key["key"]))
    assert_problem(response, 401, "unauthenticated")


async def test_unknown_api_key_scope_is_a_validation_error(
    client: httpx.AsyncClient,
) -> None:
    _, admin = await admin_with_mfa(client)

    response = await client.post(
        "/v1/api-keys",
        json={"name": "order-service", "scopes": ["payments:everything"]},
        headers=bearer(admin),
    )

    assert_problem(response, 422, "validation_error", param="scopes")


async def test_missing_authorization_is_unauthenticated(
    client: httpx.AsyncClient,
) -> None:
    response = await client.post(
        "/v1/api-keys", json={"name": "order-service", "scopes": ["payments:write"]}
    )

    assert_problem(response, 401, "unauthenticated")

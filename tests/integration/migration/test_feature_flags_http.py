"""The feature flags over HTTP with the real PostgreSQL and Redis: who may
list and set them, the audit row each change leaves, and the OpenFeature
client the strangler router uses seeing a change at once — in this process and
in another one sharing the database and Redis."""

import httpx
from openfeature.evaluation_context import EvaluationContext
from openfeature.flag_evaluation import Reason
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from tests.integration.identity.flows import (
    PASSWORD,
    admin_with_mfa,
    assert_problem,
    bearer,
    login,
    signed_in,
    unique_email,
)
from till.app import create_app

CUSTOMER = EvaluationContext(targeting_key="usr_pilot")


async def plain_admin(http: httpx.AsyncClient) -> dict[str, str]:
    """An admin whose token has no recent OTP (password only)."""
    email = unique_email("admin")
    await http.app.state.identity_commands.register(  # type: ignore[attr-defined]
        email, PASSWORD, "Root", admin=True
    )
    return bearer(await login(http, email))


async def test_admins_list_flags_and_only_an_admin_with_mfa_sets_them(client):
    admin, tokens = await admin_with_mfa(client)
    auth = bearer(tokens)
    body = {"enabled": True, "percentage": 0, "allowlist": ["usr_pilot"]}
    created = await client.put("/v1/admin/flags/orders.create", json=body, headers=auth)
    assert created.status_code == 200, created.text
    assert created.json() | {"updated_at": None} == {
        "object": "feature_flag",
        "key": "orders.create",
        "enabled": True,
        "percentage": 0,
        "allowlist": ["usr_pilot"],
        "version": 1,
        "updated_at": None,
        "updated_by": admin["id"],
    }
    flag_client = client.app.state.flag_client  # type: ignore[attr-defined]
    details = await flag_client.get_boolean_details_async(
        "orders.create", False, CUSTOMER
    )
    assert (details.value, details.reason) == (True, Reason.TARGETING_MATCH)

    # The kill switch: this process routes back before the answer arrives.
    killed = await client.put(
        "/v1/admin/flags/orders.create",
        json=body | {"enabled": False},
        headers=auth,
    )
    assert killed.json()["version"] == 2
    assert flag_client.get_boolean_value("orders.create", True, CUSTOMER) is False

    listed = await client.get("/v1/admin/flags", headers=await plain_admin(client))
    assert listed.status_code == 200, listed.text
    assert [(f["key"], f["enabled"]) for f in listed.json()["data"]] == [
        ("orders.create", False)
    ]

    no_mfa = await client.put(
        "/v1/admin/flags/orders.create", json=body, headers=await plain_admin(client)
    )
    assert_problem(no_mfa, 403, "mfa_required")
    _, user_tokens = await signed_in(client)
    for response in (
        await client.get("/v1/admin/flags", headers=bearer(user_tokens)),
        await client.put(
            "/v1/admin/flags/orders.read", json=body, headers=bearer(user_tokens)
        ),
    ):
        assert_problem(response, 403, "forbidden")
    assert_problem(await client.get("/v1/admin/flags"), 401, "unauthenticated")

    for bad, param in (
        (body | {"percentage": 101}, "percentage"),
        (body | {"percentage": "10"}, "percentage"),
        (body | {"percentage": 10.0}, "percentage"),
        (body | {"enabled": "true"}, "enabled"),
        (body | {"rollout": 5}, "rollout"),
        (body | {"allowlist": ["not a customer"]}, "allowlist"),
    ):
        response = await client.put(
            "/v1/admin/flags/orders.create", json=bad, headers=auth
        )
        assert_problem(response, 422, "validation_error", param)
    bad_key = await client.put("/v1/admin/flags/Orders!", json=body, headers=auth)
    assert_problem(bad_key, 422, "validation_error", "key")

    database = client.app.state.feature_flags.store.database  # type: ignore[attr-defined]
    async with database.read() as conn:
        rows = (
            await conn.execute(
                text(
                    "SELECT version, changed_by, before, after "
                    "FROM feature_flag_changes ORDER BY id"
                )
            )
        ).all()
        assert [(r.version, r.changed_by) for r in rows] == [
            (1, admin["id"]),
            (2, admin["id"]),
        ]
        assert rows[0].before is None and rows[1].before == rows[0].after
        assert (rows[1].before["enabled"], rows[1].after["enabled"]) == (True, False)
        try:
            await conn.execute(text("DELETE FROM feature_flag_changes"))
            raise AssertionError("the audit trail must be append-only")
        except DBAPIError as refused:
            assert "append-only" in str(refused.orig)


async def test_a_change_in_one_process_is_applied_at_once_in_another(
    client, infra, auth_settings, payment_settings
):
    _, tokens = await admin_with_mfa(client)
    other = create_app(infra, auth_settings, payment_settings)
    async with other.router.lifespan_context(other):
        elsewhere = other.state.flag_client
        assert other.state.flag_snapshot.ttl == 2.0  # the default bound
        for enabled, expected in ((True, True), (False, False)):
            response = await client.put(
                "/v1/admin/flags/orders.cancel",
                json={"enabled": enabled, "percentage": 100},
                headers=bearer(tokens),
            )
            assert response.status_code == 200, response.text
            # No wait for the other process's TTL: it acknowledged the change
            # before the PUT answered.
            assert (
                elsewhere.get_boolean_value("orders.cancel", not expected) is expected
            )

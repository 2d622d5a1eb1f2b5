"""Races that must not open a hole: concurrent refreshes, code replays, guesses,
and role changes against the real PostgreSQL and Redis."""

import asyncio

from tests.integration.identity.flows import (
    admin_with_mfa,
    bearer,
    current_code,
    enable_mfa,
    register,
    signed_in,
)


async def _warm_pool(client, tokens, connections: int = 6) -> None:
    """Open several pooled connections first, so that concurrent requests do not
    queue behind connection set-up (which would hide the race)."""
    me = [client.get("/v1/auth/me", headers=bearer(tokens)) for _ in range(connections)]
    assert all(r.status_code == 200 for r in await asyncio.gather(*me))


async def test_two_refreshes_with_one_token_at_once_revoke_the_session(client):
    _, tokens = await signed_in(client)
    await _warm_pool(client, tokens)
    body = {"refresh_token": tokens["refresh_token"]}
    first, second = await asyncio.gather(
        client.post("/v1/auth/refresh", json=body),
        client.post("/v1/auth/refresh", json=body),
    )
    assert sorted([first.status_code, second.status_code]) == [200, 401]
    winner = first if first.status_code == 200 else second
    me = await client.get("/v1/auth/me", headers=bearer(winner.json()))
    assert me.status_code == 401  # the reuse revoked the whole session


async def test_one_totp_code_sent_at_once_several_times_is_accepted_once(client):
    _, tokens = await signed_in(client)
    secret, _ = await enable_mfa(client, tokens)
    await _warm_pool(client, tokens)
    body = {"code": current_code(secret)}
    responses = await asyncio.gather(
        *(
            client.post("/v1/auth/mfa/challenge", json=body, headers=bearer(tokens))
            for _ in range(3)
        )
    )
    assert sorted(r.status_code for r in responses) == [200, 401, 401]


async def test_concurrent_wrong_passwords_get_only_the_free_attempts(client):
    user = await register(client)
    body = {"email": user["email"], "password": "wrong password!"}
    responses = await asyncio.gather(
        *(client.post("/v1/auth/login", json=body) for _ in range(8))
    )
    codes = sorted(r.status_code for r in responses)
    assert codes == [401] * 5 + [429] * 3


async def test_demoted_admin_token_stops_working_at_once(client):
    admin, admin_tokens = await admin_with_mfa(client)
    _, other_admin_tokens = await admin_with_mfa(client)
    demote = await client.put(
        f"/v1/users/{admin['id']}/roles",
        json={"roles": ["user"]},
        headers=bearer(other_admin_tokens),
    )
    assert demote.status_code == 200 and demote.json()["roles"] == ["user"]
    regain = await client.put(
        f"/v1/users/{admin['id']}/roles",
        json={"roles": ["user", "admin"]},
        headers=bearer(admin_tokens),
    )
    assert regain.status_code == 401

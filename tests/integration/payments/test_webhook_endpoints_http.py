"""Webhook endpoints over HTTP (public targets as IP literals: no DNS here):
admin + MFA to change, secrets sealed and shown
once, URLs into this host or a private network refused (SSRF)."""

import pytest
from sqlalchemy import text

from tests.integration.identity.flows import admin_with_mfa, assert_problem, bearer
from tests.integration.payments.flows import user
from till.platform.settings import PaymentSettings


@pytest.fixture
def payment_settings():
    return PaymentSettings(refund_mfa_threshold=10_000)  # private URLs refused


async def _admin(client):
    _, tokens = await admin_with_mfa(client)
    return bearer(tokens)


async def test_an_admin_adds_lists_rotates_and_deletes_an_endpoint(client):
    auth = await _admin(client)
    created = await client.post(
        "/v1/webhook-endpoints",
        json={"url": "https://93.184.216.34/hooks", "events": ["payment.completed"]},
        headers=auth,
    )
    assert created.status_code == 201, created.text
    endpoint = created.json()
    assert endpoint["id"].startswith("we_") and endpoint["secret"].startswith("whsec_")
    listing = await client.get("/v1/webhook-endpoints", headers=auth)
    assert listing.status_code == 200, listing.text
    listed = listing.json()["data"]
    mine = next(e for e in listed if e["id"] == endpoint["id"])
    assert "secret" not in mine and mine["events"] == ["payment.completed"]
    database = client.app.state.payment_commands.units().unit.database
    async with database.read() as conn:
        sealed = await conn.scalar(
            text("SELECT secret_sealed FROM webhook_endpoints WHERE id = :id"),
            {"id": endpoint["id"]},
        )
    assert sealed.startswith("enc:v1:") and endpoint["secret"] not in sealed
    rotated = await client.post(
        f"/v1/webhook-endpoints/{endpoint['id']}/rotate-secret", headers=auth
    )
    assert rotated.json()["secret"] != endpoint["secret"]
    stored = await client.app.state.webhook_endpoints.store.get(endpoint["id"])
    assert len(stored.signing_secrets(client.app.state.clock.now())) == 2
    gone = await client.delete(f"/v1/webhook-endpoints/{endpoint['id']}", headers=auth)
    assert gone.status_code == 204
    again = await client.delete(f"/v1/webhook-endpoints/{endpoint['id']}", headers=auth)
    assert_problem(again, 404, "not_found")


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8080/hooks",
        "http://localhost/hooks",
        "http://169.254.169.254/latest/meta-data",
        "http://10.0.0.7/hooks",
    ],
)
async def test_urls_into_this_host_or_a_private_network_are_refused(client, url):
    auth = await _admin(client)
    response = await client.post(
        "/v1/webhook-endpoints", json={"url": url, "events": ["*"]}, headers=auth
    )
    assert_problem(response, 422, "validation_error", "url")


async def test_only_an_admin_with_mfa_changes_endpoints(client):
    _, auth = await user(client)
    body = {"url": "https://93.184.216.34/h", "events": ["*"]}
    response = await client.post("/v1/webhook-endpoints", json=body, headers=auth)
    assert_problem(response, 403, "forbidden")
    listed = await client.get("/v1/webhook-endpoints", headers=auth)
    assert_problem(listed, 403, "forbidden")
    unknown = await client.post(
        "/v1/webhook-endpoints",
        json={"url": "https://93.184.216.34/h", "events": ["payment.exploded"]},
        headers=await _admin(client),
    )
    assert_problem(unknown, 422, "validation_error", "events")

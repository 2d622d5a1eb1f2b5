"""The payments API over HTTP against the real PostgreSQL and Redis."""

from tests.integration.identity.flows import admin_with_mfa, assert_problem, bearer
from tests.integration.payments.flows import DECLINED, card, key, pay, user


async def test_a_user_pays_with_a_card_at_once(client):
    profile, auth = await user(client)
    method = await card(client, auth)
    payment = await pay(client, auth, payment_method=method, confirm=True)
    assert payment["status"] == "completed" and payment["amount_received"] == 1050
    assert payment["customer_id"] == profile["id"]
    assert payment["payment_method"] == method and payment["failure"] is None
    fetched = await client.get(f"/v1/payments/{payment['id']}", headers=auth)
    assert fetched.status_code == 200 and fetched.json() == payment


async def test_a_declined_card_still_creates_a_failed_payment(client):
    _, auth = await user(client)
    method = await card(client, auth, DECLINED)
    payment = await pay(client, auth, payment_method=method, confirm=True)
    assert payment["status"] == "failed"
    assert payment["failure"]["code"] == "card_declined"


async def test_confirming_later_and_a_decline_answers_402(client):
    _, auth = await user(client)
    payment = await pay(client, auth)
    assert payment["status"] == "pending"
    method = await card(client, auth, DECLINED)
    confirmed = await client.post(
        f"/v1/payments/{payment['id']}/confirm",
        json={"payment_method": method},
        headers=auth | key(),
    )
    body = assert_problem(confirmed, 402, "card_declined", "payment_method")
    assert body["payment"]["status"] == "failed"


async def test_a_payment_post_without_an_idempotency_key_is_refused(client):
    _, auth = await user(client)
    response = await client.post(
        "/v1/payments", json={"amount": 100, "currency": "usd"}, headers=auth
    )
    assert_problem(response, 400, "idempotency_key_missing")


async def test_billing_details_are_kept_but_only_sealed(client):
    _, auth = await user(client)
    response = await client.post(
        "/v1/payment-methods",
        json={
            "type": "card",
            "card": {
                "number": "4242424242424242",  # pragma: allowlist secret
                "exp_month": 12,
                "exp_year": 2031,
                "cvc": "123",
            },
            "billing_details": {"name": "Ada Lovelace", "country": "GB"},
        },
        headers=auth,
    )
    assert response.status_code == 201, response.text
    assert response.json()["billing_details"] == {
        "name": "Ada Lovelace",
        "country": "GB",
    }
    vault = client.app.state.payment_commands.vault
    assert (await vault.billing(response.json()["id"])).name == "Ada Lovelace"
    bad = await client.post(
        "/v1/payment-methods",
        json={
            "type": "bank_transfer",
            "bank_transfer": {"iban": "DE89370400440532013000"},
            "billing_details": {"email": "not-an-address"},
        },
        headers=auth,
    )
    assert_problem(bad, 422, "validation_error", "billing_details.email")


async def test_metadata_is_bounded_like_stripes(client):
    _, auth = await user(client)
    for metadata in ({"k" * 41: "v"}, {"k": "v" * 501}, {"k": 1}):
        response = await client.post(
            "/v1/payments",
            json={"amount": 100, "currency": "usd", "metadata": metadata},
            headers=auth | key(),
        )
        assert_problem(response, 422, "validation_error")
    kept = await pay(client, auth, metadata={"order": "A-1"}, description="tea")
    assert (kept["metadata"], kept["description"]) == ({"order": "A-1"}, "tea")


async def test_erasing_a_customer_shreds_their_billing_details(client):
    profile, auth = await user(client)
    created = await client.post(
        "/v1/payment-methods",
        json={
            "type": "bank_transfer",
            "bank_transfer": {
                "iban": "DE89370400440532013000"
            },  # pragma: allowlist secret
            "billing_details": {"name": "Ada Lovelace"},
        },
        headers=auth,
    )
    payment = await pay(client, auth, payment_method=created.json()["id"])
    path = f"/v1/customers/{profile['id']}/personal-data"
    assert_problem(await client.delete(path, headers=auth), 403, "forbidden")
    _, tokens = await admin_with_mfa(client)
    erased = await client.delete(path, headers=bearer(tokens))
    assert erased.status_code == 202
    vault = client.app.state.payment_commands.vault
    assert await vault.billing(created.json()["id"]) is None  # unrecoverable
    kept = await client.get(f"/v1/payments/{payment['id']}", headers=auth)
    assert kept.json()["amount"] == 1050  # amounts and the trail stay

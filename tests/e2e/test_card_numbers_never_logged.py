"""No card number reaches the logs: a real `till serve` at debug level runs
card flows, good and refused, and everything it printed is searched."""

import uuid

import httpx

from tests.e2e.servers import running_till

PASSWORD = "correct horse battery staple"  # pragma: allowlist secret
VISA = "4242424242424242"  # pragma: allowlist secret
DECLINED = "4000000000000002"  # pragma: allowlist secret
NOT_LUHN = "4242424242424241"  # pragma: allowlist secret
IBAN = "DE89370400440532013000"  # pragma: allowlist secret


def _card(number, **changes):
    return {"number": number, "exp_month": 12, "exp_year": 2031, "cvc": "123"} | changes


def _flows(http: httpx.Client) -> None:
    email = f"logs-{uuid.uuid4().hex[:8]}@example.com"
    credentials = {"email": email, "password": PASSWORD}
    assert http.post("/v1/auth/register", json=credentials).status_code == 201
    token = http.post("/v1/auth/login", json=credentials).json()["access_token"]
    auth = {"Authorization": f"Bearer {token}"}
    for number in (VISA, DECLINED):
        method = http.post(
            "/v1/payment-methods",
            json={"type": "card", "card": _card(number)},
            headers=auth,
        ).json()["id"]
        paid = http.post(
            "/v1/payments",
            json={
                "amount": 100,
                "currency": "usd",
                "payment_method": method,
                "confirm": True,
            },
            headers=auth | {"Idempotency-Key": uuid.uuid4().hex},
        )
        assert paid.status_code == 201
    for bad in (
        _card(VISA, exp_month=13),
        _card(VISA, cvc="12345"),
        _card(int(VISA)),
        _card(NOT_LUHN),
        _card(VISA, exp_year=2001),
    ):
        refused = http.post(
            "/v1/payment-methods", json={"type": "card", "card": bad}, headers=auth
        )
        assert refused.status_code == 422
    http.post(
        "/v1/payment-methods",
        json={"type": "bank_transfer", "bank_transfer": {"iban": IBAN}},
        headers=auth,
    )
    http.post("/v1/payments", json={"note": VISA}, headers=auth)
    http.post(
        "/v1/payment-methods", content=b'{"card": "' + VISA.encode(), headers=auth
    )


def test_card_flows_leave_no_card_number_in_the_logs(database_url, till_env):
    till_env |= {"DATABASE_URL": database_url, "TILL_LOG_LEVEL": "debug"}
    with (
        running_till(till_env) as server,
        httpx.Client(base_url=server.url, timeout=10) as http,
    ):
        _flows(http)
    printed = "".join(server.output)
    assert "/v1/payment-methods" in printed  # the access log is in what we read
    for secret in (VISA, DECLINED, NOT_LUHN, IBAN):
        assert secret not in printed

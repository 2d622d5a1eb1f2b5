"""No card number reaches the logs, whatever happens to the request: a grep of
everything the service printed over a run of card flows at debug level."""

import httpx

from tests.integration.payments.flows import DECLINED, VISA, card, key, pay, user
from till.app import create_app
from till.platform.settings import PaymentSettings

IBAN = "DE89370400440532013000"  # pragma: allowlist secret


async def test_card_flows_leave_no_card_number_in_the_logs(
    infra, auth_settings, capsys
):
    app = create_app(
        infra.model_copy(update={"till_log_level": "debug"}),
        auth_settings,
        PaymentSettings(),
    )
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app, client=("203.0.113.9", 40000))
        async with httpx.AsyncClient(
            transport=transport, base_url="http://till.test"
        ) as http:
            http.app = app  # type: ignore[attr-defined]
            _, auth = await user(http)
            for number in (VISA, DECLINED):
                method = await card(http, auth, number)
                await pay(http, auth, payment_method=method, confirm=True)
            # refused inputs that carry the number: bad expiry, bad CVC, a type
            # error, an unknown field holding it
            for bad in (
                {"number": VISA, "exp_month": 13, "exp_year": 2031, "cvc": "123"},
                {"number": VISA, "exp_month": 1, "exp_year": 2031, "cvc": "12345"},
                {"number": int(VISA), "exp_month": 1, "exp_year": 2031, "cvc": "1"},
                {"number": "4242424242424241", "exp_month": 1, "exp_year": 2031},
            ):
                refused = await http.post(
                    "/v1/payment-methods",
                    json={"type": "card", "card": bad},
                    headers=auth,
                )
                assert refused.status_code == 422
                assert (
                    VISA not in refused.text and "424242424242424" not in refused.text
                )
            await http.post(
                "/v1/payment-methods",
                json={"type": "bank_transfer", "bank_transfer": {"iban": IBAN}},
                headers=auth,
            )
            await http.post(
                "/v1/payments",
                json={"amount": 5, "currency": "usd", "note": VISA},
                headers=auth | key(),
            )
    out = capsys.readouterr()
    printed = out.out + out.err
    assert "/v1/payment-methods" in printed  # the access log was captured
    for secret in (VISA, DECLINED, "4242424242424241", IBAN):
        assert secret not in printed

"""Card numbers are stored only encrypted and come back only through reveal."""

from dataclasses import replace
from datetime import UTC, datetime

import pytest
from sqlalchemy import text

from till.app.identity import data_keyring
from till.kernel.ids import new_id
from till.payments.core.billing import BillingDetails
from till.payments.core.cards import CardDetails
from till.payments.core.payment_methods import card_method
from till.payments.shell.adapters.postgres_payment_methods import SqlaPaymentMethodVault
from till.platform.customer_keys import CustomerKeys
from till.platform.data_keys import DataKeyError
from till.platform.database import Database
from till.platform.settings import InfraSettings, async_database_url

PAN = "5555555555554444"


async def test_a_vaulted_card_number_is_encrypted_and_revealed_intact(database_url):
    database = Database(async_database_url(database_url), pool_size=1)
    keys = data_keyring(InfraSettings())
    vault = SqlaPaymentMethodVault(database, keys, CustomerKeys(database, keys))
    method = card_method(
        new_id("pm"), CardDetails(PAN, 1, 2031, "321"), "usr_1", datetime.now(UTC)
    )
    try:
        await vault.store(method, PAN)
        async with database.read() as conn:
            raw = (
                await conn.execute(
                    text("SELECT * FROM payment_methods WHERE id = :id"),
                    {"id": method.id},
                )
            ).one()
        assert await vault.get(method.id) == method
        assert await vault.get_with_secret(method.id) == (method, PAN)
        assert await vault.get("pm_unknown") is None
    finally:
        await database.close()
    stored = " ".join(str(value) for value in raw)
    assert PAN not in stored and str(raw.sealed_number).startswith("enc:v1:")
    assert not any("cvc" in column for column in raw._fields)  # never kept
    assert (raw.brand, raw.last4) == ("mastercard", "4444")


async def test_billing_details_are_sealed_per_customer_and_shredded_with_them(
    database_url,
):
    database = Database(async_database_url(database_url), pool_size=1)
    keys = data_keyring(InfraSettings())
    customer_keys = CustomerKeys(database, keys)
    vault = SqlaPaymentMethodVault(database, keys, customer_keys)
    customer = new_id("usr")
    billing = BillingDetails(name="Ada Lovelace", email="ada@example.com", country="GB")
    method = replace(
        card_method(
            new_id("pm"), CardDetails(PAN, 1, 2031, "321"), customer, datetime.now(UTC)
        ),
        billing=billing,
    )
    try:
        await vault.store(method, PAN)
        async with database.read() as conn:
            raw = (
                await conn.execute(
                    text("SELECT billing_sealed FROM payment_methods WHERE id = :id"),
                    {"id": method.id},
                )
            ).scalar_one()
        assert raw.startswith("ck:v1:") and "Ada" not in raw
        assert await vault.billing(method.id) == billing
        await customer_keys.shred(customer, datetime.now(UTC))
        assert await vault.billing(method.id) is None  # unrecoverable
        assert await vault.get_with_secret(method.id) is not None  # the card stays
        with pytest.raises(DataKeyError):  # nothing new is written for them
            await customer_keys.seal(customer, "x", "billing:x", datetime.now(UTC))
    finally:
        await database.close()

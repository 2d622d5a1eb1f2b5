"""Card numbers are stored only encrypted and come back only through reveal."""

from datetime import UTC, datetime

from sqlalchemy import text

from till.app.identity import data_keyring
from till.kernel.ids import new_id
from till.payments.core.cards import CardDetails
from till.payments.core.payment_methods import card_method
from till.payments.shell.adapters.postgres_payment_methods import SqlaPaymentMethodVault
from till.platform.database import Database
from till.platform.settings import InfraSettings, async_database_url

PAN = "5555555555554444"


async def test_a_vaulted_card_number_is_encrypted_and_revealed_intact(database_url):
    database = Database(async_database_url(database_url), pool_size=1)
    vault = SqlaPaymentMethodVault(database, data_keyring(InfraSettings()))
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

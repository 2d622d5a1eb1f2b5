"""`till keys rotate`: every sealed value moves to the current data key, and a
key can then leave TILL_DATA_KEYS. The run's values are moved back at the end
(the shared test database keeps working under the run's key)."""

import os
from datetime import UTC, datetime

from sqlalchemy import text

from till.app import rotate_data_keys
from till.kernel.ids import new_id
from till.payments.core.cards import CardDetails
from till.payments.core.payment_methods import card_method
from till.payments.shell.adapters.postgres_payment_methods import SqlaPaymentMethodVault
from till.platform.customer_keys import CustomerKeys
from till.platform.data_keys import DataKeyring, new_key_setting
from till.platform.database import Database
from till.platform.settings import InfraSettings, async_database_url

PAN = "5555555555554444"  # pragma: allowlist secret


async def test_rotation_reseals_every_secret_under_the_new_key(database_url):
    original = os.environ["TILL_DATA_KEYS"]
    fresh = new_key_setting("rotated")
    database = Database(async_database_url(database_url), pool_size=1)
    method = card_method(
        new_id("pm"), CardDetails(PAN, 1, 2031, "321"), "usr_1", datetime.now(UTC)
    )
    try:
        keys = DataKeyring.from_setting(original)
        await SqlaPaymentMethodVault(
            database, keys, CustomerKeys(database, keys)
        ).store(method, PAN)
        both = InfraSettings(till_data_keys=f"{fresh},{original}")
        counts = await rotate_data_keys(database_url, both)
        assert counts["payment_methods.sealed_number"] >= 1
        assert (await rotate_data_keys(database_url, both))[
            "payment_methods.sealed_number"
        ] == 0  # a rerun finds nothing left to do
        new_keys = DataKeyring.from_setting(fresh)
        only_new = SqlaPaymentMethodVault(
            database, new_keys, CustomerKeys(database, new_keys)
        )
        assert await only_new.get_with_secret(method.id) == (method, PAN)
        async with database.read() as conn:
            sealed = await conn.scalar(
                text("SELECT sealed_number FROM payment_methods WHERE id = :id"),
                {"id": method.id},
            )
        assert sealed.startswith("enc:v1:rotated:") and PAN not in sealed
    finally:
        back = InfraSettings(till_data_keys=f"{original},{fresh}")
        await rotate_data_keys(database_url, back)
        await database.close()

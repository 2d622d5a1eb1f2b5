"""Composition root: `till keys rotate` over every context's sealed columns."""

from till.app.identity import data_keyring
from till.identity.shell.adapters import postgres_signing_keys, postgres_users
from till.payments.shell.adapters import (
    postgres_payment_methods,
    postgres_webhook_endpoints,
)
from till.platform import customer_keys
from till.platform.database import Database
from till.platform.postgres_reseal import reseal_column
from till.platform.settings import InfraSettings, async_database_url

SEALED = [
    *postgres_users.SEALED_COLUMNS,
    *postgres_signing_keys.SEALED_COLUMNS,
    *postgres_payment_methods.SEALED_COLUMNS,
    *postgres_webhook_endpoints.SEALED_COLUMNS,
    *customer_keys.SEALED_COLUMNS,
]


async def rotate_data_keys(database_url: str, infra: InfraSettings) -> dict[str, int]:
    """Re-encrypt every sealed value under the first key of TILL_DATA_KEYS;
    values per column. Afterwards the other keys can be removed."""
    keys = data_keyring(infra)
    database = Database(async_database_url(database_url), pool_size=1)
    try:
        return {
            f"{s.table}.{s.column}": await reseal_column(database, keys, s)
            for s in SEALED
        }
    finally:
        await database.close()

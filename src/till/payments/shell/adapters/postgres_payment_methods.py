"""The payment-method vault in PostgreSQL: the card number (or IBAN) is stored
only encrypted (AES-256-GCM under the data keys, bound to the method id)."""

from typing import Any

from sqlalchemy import text

from till.payments.core.payment_methods import PaymentMethod
from till.platform.data_keys import DataKeyring
from till.platform.database import Database

_INSERT = text(
    "INSERT INTO payment_methods (id, type, customer_id, brand, last4, exp_month, "
    "exp_year, sealed_number, created_at) VALUES (:id, :type, :customer_id, "
    ":brand, :last4, :exp_month, :exp_year, :sealed, :created_at)"
)
_GET = text(
    "SELECT id, type, customer_id, brand, last4, exp_month, exp_year, created_at, "
    "sealed_number FROM payment_methods WHERE id = :id"
)


def _context(method_id: str) -> str:
    return f"payment-method:{method_id}"


def _method(row: Any) -> PaymentMethod:
    return PaymentMethod(
        id=row.id,
        type=row.type,
        customer_id=row.customer_id,
        created_at=row.created_at,
        brand=row.brand,
        last4=row.last4,
        exp_month=row.exp_month,
        exp_year=row.exp_year,
    )


class SqlaPaymentMethodVault:
    """PaymentMethodVaultPort: each call is one autocommit statement."""

    def __init__(self, database: Database, keys: DataKeyring) -> None:
        self.database = database
        self.keys = keys

    async def store(self, method: PaymentMethod, secret: str) -> None:
        params = {
            "id": method.id,
            "type": method.type,
            "customer_id": method.customer_id,
            "brand": method.brand,
            "last4": method.last4,
            "exp_month": method.exp_month,
            "exp_year": method.exp_year,
            "sealed": self.keys.encrypt(secret, _context(method.id)),
            "created_at": method.created_at,
        }
        async with self.database.read() as conn:
            await conn.execute(_INSERT, params)

    async def get(self, method_id: str) -> PaymentMethod | None:
        found = await self.get_with_secret(method_id, reveal=False)
        return None if found is None else found[0]

    async def get_with_secret(
        self, method_id: str, reveal: bool = True
    ) -> tuple[PaymentMethod, str] | None:
        """The secret is for the gateway call only; never a response or a log."""
        async with self.database.read() as conn:
            row = (await conn.execute(_GET, {"id": method_id})).first()
        if row is None:
            return None
        secret = ""
        if reveal:
            secret = self.keys.decrypt(row.sealed_number, _context(method_id))
        return _method(row), secret

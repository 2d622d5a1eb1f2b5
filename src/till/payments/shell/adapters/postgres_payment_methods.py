"""The payment-method vault in PostgreSQL: the card number (or IBAN) is stored
only encrypted (AES-256-GCM under the data keys, bound to the method id)."""

from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from till.payments.core.payment_methods import PaymentMethod
from till.platform.data_keys import DataKeyring

_INSERT = text(
    "INSERT INTO payment_methods (id, type, customer_id, brand, last4, exp_month, "
    "exp_year, sealed_number, created_at) VALUES (:id, :type, :customer_id, "
    ":brand, :last4, :exp_month, :exp_year, :sealed, :created_at)"
)
_GET = text(
    "SELECT id, type, customer_id, brand, last4, exp_month, exp_year, created_at "
    "FROM payment_methods WHERE id = :id"
)
_SEALED = text("SELECT sealed_number FROM payment_methods WHERE id = :id")


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
    def __init__(self, conn: AsyncConnection, keys: DataKeyring) -> None:
        self.conn = conn
        self.keys = keys

    async def store(self, method: PaymentMethod, number: str) -> None:
        await self.conn.execute(
            _INSERT,
            {
                "id": method.id,
                "type": method.type,
                "customer_id": method.customer_id,
                "brand": method.brand,
                "last4": method.last4,
                "exp_month": method.exp_month,
                "exp_year": method.exp_year,
                "sealed": self.keys.encrypt(number, _context(method.id)),
                "created_at": method.created_at,
            },
        )

    async def get(self, method_id: str) -> PaymentMethod | None:
        row = (await self.conn.execute(_GET, {"id": method_id})).first()
        return _method(row) if row else None

    async def reveal_number(self, method_id: str) -> str | None:
        """For the gateway call only; never for a response or a log."""
        sealed = await self.conn.scalar(_SEALED, {"id": method_id})
        return (
            None if sealed is None else self.keys.decrypt(sealed, _context(method_id))
        )
